// 印刷の前に折りたたみ（details）をすべて開き、印刷後に元へ戻す。
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.setAttribute("open", ""); opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    opened = [];
  });
})();

// service worker：最初の訪問でサイト全体を保存し、以後はオフラインでも開けるようにする（calculator/teichaku_site/assets/sw.js）。
(function () {
  if (!("serviceWorker" in navigator) || !window.__md_scope) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(new URL("sw.js", window.__md_scope).href, { scope: window.__md_scope.href })
      .catch(function () { /* 保存できなくても、オンラインでは普通に使える */ });
  });
})();
