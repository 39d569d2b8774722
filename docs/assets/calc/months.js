// 月の請求：サービス提供月にある加算・減算とその事実の項目だけを示す（data-since・data-until は登録簿から生成）。
// 隠すのは空の項目だけ：入力やチェックのある項目は、月を変えても消さずに示し、「この月にはありません」と添える
// （入力したものを失わない。計算は、その月にない項目を理由つきで算定しない）。
// モジュール（defer と同じく、ページを読み終えてから、DOMContentLoaded の前に動く）。app.js がスクリプトから値を入れたときは
// フォームの calc:filled で知らされる（form-state.js）。
import { monthStart } from "./dates.js";
import { ERAS } from "./eras.js";  // ビルドが teichaku.rules.dates.ERAS から作る

function filled(el) {
  return [...el.querySelectorAll("input")].some(i => (i.type === "checkbox" ? i.checked && !i.defaultChecked : i.value.trim() !== ""));
}

function update(form) {
  const month = form.querySelector("#f-month");
  const start = month && monthStart(month.value, ERAS);
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
    } else if (!keep && note)
      note.remove();
  });
}

document.querySelectorAll('form.calc[data-calculator="claim"]').forEach(form => {
  if (!form.querySelector("#f-month"))
    return;
  for (const type of ["input", "change", "calc:filled"])
    form.addEventListener(type, () => update(form));
  update(form);
});
