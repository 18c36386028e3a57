/* Vehicle gallery lightbox: no framework, ES5 for old phone browsers. Without it, links still work. */
(function () {
  "use strict";
  var grid = document.getElementById("gallery");
  if (!grid || !document.addEventListener) return;
  var links = grid.getElementsByTagName("a");
  var box, img, count, label, original, index = -1, pushed = false, startX = 0, startY = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.appendChild(document.createTextNode(text));
    return node;
  }

  function button(cls, text, name, action) {
    var node = el("button", cls, text);
    node.type = "button";
    node.setAttribute("aria-label", name);
    node.addEventListener("click", function (event) { event.stopPropagation(); action(); });
    box.appendChild(node);
  }

  function build() {
    box = el("div", "lb");
    box.hidden = true;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "Photos");
    img = el("img");
    img.addEventListener("load", function () { box.className = "lb"; });
    img.addEventListener("error", function () { box.className = "lb"; });
    box.appendChild(img);
    var bar = el("div", "bar");
    count = el("span", "count");
    label = el("span", "label");
    original = el("a", "", "Original");
    original.target = "_blank";
    original.rel = "noopener";
    bar.appendChild(count);
    bar.appendChild(label);
    bar.appendChild(original);
    box.appendChild(bar);
    button("prev", "\u2039", "Previous photo", function () { show(index - 1); });
    button("next", "\u203a", "Next photo", function () { show(index + 1); });
    button("close", "\u00d7", "Close", close);
    box.addEventListener("click", function (event) { if (event.target === box) close(); });
    box.addEventListener("touchstart", function (event) {
      startX = event.changedTouches[0].clientX;
      startY = event.changedTouches[0].clientY;
    }, { passive: true });
    box.addEventListener("touchend", function (event) {
      var dx = event.changedTouches[0].clientX - startX;
      var dy = event.changedTouches[0].clientY - startY;
      if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) show(index + (dx < 0 ? 1 : -1));
    });
    document.body.appendChild(box);
  }

  function show(i) {
    var n = links.length;
    index = (i + n) % n;
    var link = links[index], thumb = link.getElementsByTagName("img")[0];
    box.className = "lb loading";
    img.src = link.href;
    img.alt = thumb ? thumb.alt : "";
    count.textContent = (index + 1) + " / " + n;
    label.textContent = img.alt;
    original.href = link.getAttribute("data-original") || link.href;
    if (n > 1) new Image().src = links[(index + 1) % n].href; // the next one, not all: data costs
    if (window.history && history.replaceState) history.replaceState({ photo: index }, "", "#photo-" + (index + 1));
  }

  function open(i, push) {
    if (!box) build();
    if (push && window.history && history.pushState && !pushed) {
      history.pushState({ photo: i }, "", "#photo-" + (i + 1));
      pushed = true;
    }
    box.hidden = false;
    document.documentElement.className += " lb-open";
    show(i);
    box.getElementsByTagName("button")[2].focus();
  }

  function hide() {
    if (!box || box.hidden) return;
    box.hidden = true;
    document.documentElement.className = document.documentElement.className.replace(/ ?lb-open/g, "");
    if (links[index]) links[index].focus();
  }

  function close() {
    // Closing goes back in history so that the phone's back button and ours agree.
    if (pushed) { history.back(); return; }
    hide();
    if (window.history && history.replaceState) history.replaceState(null, "", location.pathname + location.search);
  }

  grid.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    for (var i = 0; i < links.length; i++) {
      if (links[i].contains(event.target)) { event.preventDefault(); open(i, true); return; }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!box || box.hidden) return;
    var key = event.key || event.keyCode;
    if (key === "ArrowRight" || key === 39) show(index + 1);
    else if (key === "ArrowLeft" || key === 37) show(index - 1);
    else if (key === "Escape" || key === "Esc" || key === 27) close();
    else return;
    event.preventDefault();
  });

  window.addEventListener("popstate", function () {
    pushed = false;
    var match = /^#photo-(\d+)$/.exec(location.hash);
    if (match && links[match[1] - 1]) { if (!box) build(); box.hidden = false; show(match[1] - 1); }
    else hide();
  });

  var deepLink = /^#photo-(\d+)$/.exec(location.hash);
  if (deepLink && links[deepLink[1] - 1]) open(deepLink[1] - 1, false); // the entry exists already
})();
