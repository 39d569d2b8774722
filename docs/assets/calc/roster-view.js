// 名簿の結果の操作：結果のファイル（CSV・Excel）の保存と「要約を印刷」。
import { element } from "./dom.js";
import { dropRecord } from "./record.js";

const TYPES = { xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", csv: "text/csv" };

// 名簿の「要約を印刷」：この操作からの印刷でなければ要約だけの印刷をやめる（Ctrl+P はいつものページ）
let printingSummary = false;
window.addEventListener("beforeprint", () => {
  if (!printingSummary)
    document.documentElement.classList.remove("calc-summary-printing");
});
window.addEventListener("afterprint", () => {
  printingSummary = false;
  document.documentElement.classList.remove("calc-summary-printing");
});

// 結果の downloads（[{ format, name, label }]）のボタンと「要約を印刷」。requestExport(format) でファイルを頼む。
export function downloadsBar(downloads, requestExport) {
  const buttons = downloads.map(item => {
    const button = element("button", { type: "button", class: "md-button calc-export", "data-format": item.format,
                                       "data-name": item.name, "data-label": item.label }, item.label);
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true")
        return;
      button.setAttribute("aria-disabled", "true");
      button.textContent = "作成中…";
      requestExport(item.format);
    });
    return button;
  });
  return element("div", { class: "calc-downloads" },
                 element("p", {}, buttons, element("button", { type: "button", class: "md-button calc-print" }, "要約を印刷")),
                 element("p", { class: "calc-download-status", role: "status", "aria-live": "polite" }));
}

// Worker が作ったファイル（message：{ format, bytes } か { format, error }）を、押した一度で保存する。
// ボタンはそのまま残す（リンクに置き換えない。もう一度押せば、もう一度保存する）。
export function saveExport(form, message) {
  const button = form.querySelector(`.calc-export[data-format="${message.format}"]`);
  if (!button)
    return;
  const status = form.querySelector(".calc-download-status");
  button.removeAttribute("aria-disabled");
  button.textContent = button.dataset.label;
  if (message.error) {
    status.textContent = `ファイルを作れませんでした（${message.error}）。`;
    return;
  }
  const url = URL.createObjectURL(new Blob([message.bytes], { type: TYPES[message.format] || "application/octet-stream" }));
  const link = element("a", { href: url, download: button.dataset.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  status.textContent = `${button.dataset.name} を保存しました（ブラウザのダウンロードの場所）。`;
}

// 「要約を印刷」（名簿）：判定・要約・読み込めなかった行・根拠だけを印刷する。利用者ごと・月ごとの大きな表、フォーム、
// ページの説明は印刷しない（html.calc-summary-printing のとき。site.css）。印刷が終われば、Ctrl+P はいつものページ。
export function mountSummaryPrint(form, output) {
  form.addEventListener("click", event => {
    if (!event.target.classList.contains("calc-print"))
      return;
    dropRecord();
    output.querySelectorAll(".calc-table-wrap").forEach(wrap => {
      const caption = wrap.querySelector("caption");
      wrap.classList.toggle("calc-summary-keep", !!caption && caption.textContent.startsWith("読み込めなかった行") &&
                                                 !caption.textContent.includes("（なし）"));
    });
    document.documentElement.classList.add("calc-summary-printing");
    printingSummary = true;
    window.print();
  });
}
