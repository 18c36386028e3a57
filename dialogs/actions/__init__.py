"""Custom actions served by the action server: one module per feature.

Started as ``python -m rasa_sdk --actions dialogs.actions``; rasa_sdk imports every module of this
package and registers each ``Action`` subclass it finds. Modules here do no I/O at import time.
"""
