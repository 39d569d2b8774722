// 月の請求：サービス提供月にある加算・減算とその事実の項目だけを示す（data-since・data-until は登録簿から生成）。
// 隠すのは空の項目だけ：入力やチェックのある項目は、月を変えても消さずに示し、「この月にはありません」と添える
// （入力したものを失わない。計算は、その月にない項目を理由つきで算定しない）。
(() => {
  const ERAS = { "令和": 2018, "平成": 1988, "R": 2018, "H": 1988 };
  function monthStart(text) {
    const t = (text || "").normalize("NFKC").trim();
    let m = t.match(/^(\d{4})\D+(\d{1,2})/);
    if (m) return `${m[1]}-${m[2].padStart(2, "0")}-01`;
    m = t.match(/^(令和|平成|R|H)\s*(元|\d+)\D+(\d{1,2})/i);
    if (m) {
      const year = ERAS[m[1].toUpperCase()] + (m[2] === "元" ? 1 : Number(m[2]));
      return `${year}-${m[3].padStart(2, "0")}-01`;
    }
    return null;
  }
  function filled(el) {
    return [...el.querySelectorAll("input")].some(i => (i.type === "checkbox" ? i.checked && !i.defaultChecked : i.value.trim() !== ""));
  }
  function update(form) {
    const month = form.querySelector("#f-month");
    const start = month && monthStart(month.value);
    form.querySelectorAll("[data-since], [data-until]").forEach(el => {
      const inside = !start || ((!el.dataset.since || el.dataset.since <= start) && (!el.dataset.until || start <= el.dataset.until));
      const keep = !inside && filled(el);
      el.hidden = !inside && !keep;
      el.classList.toggle("calc-out-of-month", keep);
      let note = el.querySelector(":scope > .calc-month-note");
      if (keep && !note) {
        note = document.createElement("p");
        note.className = "calc-month-note calc-hint";
        note.textContent = "この月にはありません（入力は残しています。計算では理由つきで算定しません）";
        el.append(note);
      } else if (!keep && note) note.remove();
    });
  }
  function init() {
    document.querySelectorAll('form.calc[data-calculator="claim"]').forEach(form => {
      const month = form.querySelector("#f-month");
      if (!month) return;
      ["input", "change"].forEach(type => month.addEventListener(type, () => update(form)));
      form.addEventListener("change", () => update(form));
      // app.js が開いた月・共有リンクの値を入れた後にも合わせる
      setTimeout(() => update(form), 0);
      window.addEventListener("hashchange", () => setTimeout(() => update(form), 0));
      // app.js がスクリプトから値を入れても input イベントは起きないので、値の変化を見張る（軽い比較だけ）
      let last = null;
      setInterval(() => { if (month.value !== last) { last = month.value; update(form); } }, 400);
      update(form);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
