// 研修のページ（docs/training/）：「スライド表示」の切り替え。body に training-slides を付けると、training.css が
// ナビゲーションを隠し、文字を大きくし、節（section.training-slide）を1画面ずつ（印刷では1ページずつ）示す。
// キーボード：ボタンは Tab で選び Enter／Space で切り替え。スライド表示の間は → と PageDown で次の節、← と PageUp で
// 前の節、Home・End で最初・最後、Esc で元の表示に戻る。URL に ?slides を付けて開くと、スライド表示で始まる。
(function () {
  var toggle = document.querySelector(".training-slides-toggle");
  if (!toggle) return;
  var tools = toggle.closest(".training-tools");
  if (tools) tools.hidden = false;
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.training-slide"));
  slides.forEach(function (slide) { slide.setAttribute("tabindex", "-1"); });

  function on() { return document.body.classList.contains("training-slides"); }

  function current() {
    // 画面の上端（固定した帯の下端）に最も近い節（少し下まで含める）
    var top = (tools && on() ? tools.getBoundingClientRect().bottom : 0) + 8;
    var best = 0;
    slides.forEach(function (slide, i) { if (slide.getBoundingClientRect().top <= top) best = i; });
    return best;
  }

  function show(index) {
    if (!slides.length) return;
    var slide = slides[Math.max(0, Math.min(slides.length - 1, index))];
    slide.scrollIntoView({ block: "start" });
    slide.focus({ preventScroll: true });
  }

  function set(enabled) {
    var index = on() ? current() : null;
    document.body.classList.toggle("training-slides", enabled);
    toggle.setAttribute("aria-pressed", enabled ? "true" : "false");
    toggle.textContent = enabled ? "スライド表示を終える" : "スライド表示";
    if (enabled) show(index === null ? 0 : index);
    else toggle.focus();
  }

  toggle.addEventListener("click", function () { set(!on()); });

  document.addEventListener("keydown", function (event) {
    if (!on() || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var step = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }[event.key];
    if (step) { event.preventDefault(); show(current() + step); }
    else if (event.key === "Home") { event.preventDefault(); show(0); }
    else if (event.key === "End") { event.preventDefault(); show(slides.length - 1); }
    else if (event.key === "Escape") { event.preventDefault(); set(false); }
  });

  if (new URLSearchParams(location.search).has("slides")) set(true);
})();
