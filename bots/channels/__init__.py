"""Channel adapters: each provider's inbound formats parsed into `InboundMessage` and
`DeliveryStatus`, and its signatures checked, before anything else sees them."""
