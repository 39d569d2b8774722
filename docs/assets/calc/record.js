// 算定根拠書（印刷用の記録）：入力・結果・根拠・出典・共有リンクと QR コード・規則の版を A4 で印刷する（record.css）。
// 「算定根拠書を印刷」でページの main の最後に section.calc-record を置き、html に calc-record-printing をつけて印刷する。
// 画面には出さない。この印刷の間だけ記録が印刷の対象になり、あとで Ctrl+P で印刷すると、いつもどおりページを印刷する
// （beforeprint で、この操作からの印刷でなければ記録の印刷をやめる）。結果が変わると記録は消す。
import { element, megabytesOrBytes } from "./dom.js";
import { dateTimeText, isoDateText } from "./dates.js";
import { ERAS } from "./eras.js";  // ビルドが teichaku.rules.dates.ERAS から作る
import { readableLink } from "./share.js";

let printingRecord = false;
window.addEventListener("beforeprint", () => {
  if (!printingRecord)
    dropRecord();
});
window.addEventListener("afterprint", () => { printingRecord = false; });

export function dropRecord() {
  document.querySelectorAll("section.calc-record").forEach(node => node.remove());
  document.documentElement.classList.remove("calc-record-printing");
  const form = document.querySelector("form.calc[data-calculator]");
  if (form)
    delete form.dataset.record;
}

// ビルドの情報（規則の版：パッケージの版と、サイトを作ったコミット）。calculator/teichaku_site/bundle.py が書く。
let buildPromise = null;
function buildInfo() {
  buildPromise = buildPromise || fetch(new URL("./build.json", import.meta.url))
    .then(response => response.ok ? response.json() : {}).catch(() => ({}));
  return buildPromise;
}

// QR コードの1モジュールの大きさ（mm）と、図の大きさの範囲。1モジュール 0.8 mm なら、72 dpi で表示・印刷しても
// 1モジュールが2画素を超え、読み取れる（0.5 mm の頃は読めなかった）。
export const QR_MODULE_MM = 0.8;
export const QR_MIN_MM = 30;
export const QR_MAX_MM = 70;

export function qrSizeMm(modules) {
  return Math.min(QR_MAX_MM, Math.max(QR_MIN_MM, Math.ceil(modules * QR_MODULE_MM)));
}

// segno の SVG を DOM に入れる（文字列を HTML として差し込まない。svg 以外のもの・script は入れない）
// （segno の svg_inline は xmlns を書かないので、HTML として読んで svg 要素を取り出す。DOMParser はスクリプトを実行しない）
function qrNode(svgText, label) {
  const parsed = new DOMParser().parseFromString(svgText, "text/html").body.firstElementChild;
  if (!parsed || parsed.namespaceURI !== "http://www.w3.org/2000/svg" || parsed.localName !== "svg" ||
      parsed.querySelector("script, foreignObject"))
    return null;
  const node = document.importNode(parsed, true);
  node.setAttribute("role", "img");
  node.setAttribute("aria-label", label);
  node.setAttribute("shape-rendering", "crispEdges");
  const modules = node.viewBox && node.viewBox.baseVal ? node.viewBox.baseVal.width : 0;
  const size = qrSizeMm(modules);
  node.style.width = `${size}mm`;
  node.style.height = `${size}mm`;
  return node;
}

function recordTable(caption, columns, rows) {
  return element("table", { class: "calc-record-table" }, caption ? element("caption", {}, caption) : null,
                 columns ? element("thead", {}, element("tr", {}, columns.map(column => element("th", { scope: "col" }, column)))) : null,
                 element("tbody", {}, rows.map(cells => element("tr", { class: cells.current ? "calc-record-current" : null },
                   cells.map((cell, i) => element(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null }, cell))))));
}

// 名簿の記録：利用者ごとの内容（利用者ID・行）は、利用者の表を含めるときだけ載せる（純粋な関数）
const ROSTER_PER_USER_LABELS = new Set(["問2で除外した利用者", "注意"]);
const ROSTER_OFFICE_TABLES = new Set(["月ごとの利用者数"]);

export function rosterSummary(summary, includeUsers) {
  if (includeUsers)
    return summary;
  const out = summary.filter(item => !ROSTER_PER_USER_LABELS.has(item.label));
  const excluded = summary.find(item => item.label === "問2で除外した利用者");
  if (excluded)
    out.push({ label: "問2で除外した利用者の数", value: excluded.value === "なし" ? "0人" : `${excluded.value.split("、").length}人` });
  const notes = summary.filter(item => item.label === "注意").length;
  if (notes)
    out.push({ label: "注意", value: `${notes}件（利用者ごとの内容のため省略。利用者ごとの表を含めて印刷すると載ります）` });
  return out;
}

function recordSheet(record, build, qr, includeUsers) {
  const result = record.result;
  const roster = result.kind === "roster";
  const summary = roster ? rosterSummary(result.summary, includeUsers) : result.summary;
  const schedule = result.summary.find(item => /^適用(した|する)報酬表$/.test(item.label));
  const version = `teichaku ${build.version || "不明"}（サイトを作ったコミット：${build.commit || "不明"}）`;
  const meta = [["計算機", result.title || ""], ["計算日時", dateTimeText(record.at, ERAS)]];
  if (result.rules_on)
    meta.push(["規則の基準日", `${isoDateText(result.rules_on, ERAS)}（この日に効力を持つ基準・報酬の値で計算）`]);
  if (schedule)
    meta.push([schedule.label, schedule.value]);
  // 共有リンクは人が読める形で（日本語の %XX を文字に戻す。QR コードは ASCII のリンクそのもの）
  meta.push(["規則の版", version], ["共有リンク", element("span", { class: "calc-record-link" }, readableLink(record.link))]);
  const code = qr.svg ? qrNode(qr.svg, "QRコード：この計算を同じ入力で開く共有リンク") : null;
  const head = element("header", { class: "calc-record-head" },
    element("div", { class: "calc-record-title" },
      element("h1", {}, "算定根拠書"),
      element("dl", { class: "calc-record-meta" }, meta.map(([label, value]) => [element("dt", {}, label), element("dd", {}, value)]))),
    element("figure", { class: "calc-record-qr", "data-link": record.link },
      code || element("p", { class: "calc-record-qr-missing" }, `QRコードを作れませんでした（${qr.error || "不明"}）。共有リンクを使ってください。`),
      element("figcaption", {}, "読み取ると、同じ入力で計算機が開きます")));

  const inputs = record.entries.map(entry => [entry.label, entry.value]);
  if (record.file)
    inputs.push(["名簿ファイルの大きさ", megabytesOrBytes(record.file.size)]);
  if (record.file && record.file.digest)
    inputs.push(["名簿ファイルの SHA-256", element("span", { class: "calc-record-digest" }, record.file.digest)]);
  const inputNotes = ["空欄の項目、チェックしていない項目と、この条件では画面に出ていない項目は省略しています。"];
  if (roster)
    inputNotes.push("名簿ファイルの中身は、この算定根拠書にも共有リンクにも入れていません（ファイルは SHA-256 で照合できます）。");

  const results = [element("p", { class: "calc-record-verdict" }, result.verdict.text),
                   recordTable("", ["項目", "値"], summary.map(item => [item.label, item.value]))];
  if (result.timeline)
    results.push(element("h3", {}, result.timeline.caption),
                 element("ul", {}, result.timeline.bars.map(bar => element("li", {}, `${bar.label}：${bar.text}`))));
  for (const list of result.lists || [])
    results.push(element("h3", {}, list.title), element("ul", {}, list.items.map(item => element("li", {}, item))));
  const tables = [result.table, ...(result.tables || [])].filter(Boolean);
  for (const table of tables) {
    const name = table.caption.replace(/（.*$/, "");
    if (roster && !includeUsers && !ROSTER_OFFICE_TABLES.has(name)) {
      results.push(element("p", { class: "calc-record-omitted" },
                           `${name}：${table.rows.length.toLocaleString("ja-JP")}行（利用者ごと・行ごとの内容のため省略）`));
      continue;
    }
    const rows = table.rows.map(row => Object.assign(row.cells.map((cell, i) =>
      i === 0 && row.current ? `${cell}（該当）` : cell), { current: row.current }));
    results.push(recordTable(table.caption, table.columns, rows));
  }

  const labels = new Map(result.sources.map((source, i) => [source.label, i + 1]));
  const steps = result.steps.map(step => element("li", {}, step.text,
    step.sources.length ? element("span", { class: "calc-record-cite" },
      `（出典：${step.sources.map(label => labels.has(label) ? `[${labels.get(label)}] ${label}` : label).join("、")}）`) : null));
  const confidence = { high: "高", medium: "中", low: "低" };
  const sources = result.sources.map((source, i) => element("li", { value: String(i + 1) },
    element("p", { class: "calc-record-source-label" }, `[${i + 1}] ${source.label}`),
    source.document ? element("p", {}, source.document, source.section ? ` ${source.section}` : "",
                              source.page ? `（p.${source.page}）` : "") : null,
    source.quote ? element("blockquote", {}, `「${source.quote}」`) : null,
    source.url ? element("p", { class: "calc-record-link" }, source.url) : null,
    source.confidence ? element("p", {}, `確度：${confidence[source.confidence] || source.confidence}` +
                                        (source.checked_against ? `（${source.checked_against}で確認）` : "")) : null));

  return element("section", { class: "calc-record", lang: "ja", "aria-label": "算定根拠書" },
    head,
    element("h2", {}, "入力"), recordTable("", ["項目", "入力した値"], inputs),
    inputNotes.map(note => element("p", { class: "calc-record-note" }, note)),
    element("h2", {}, "結果"), results,
    element("h2", {}, "根拠（計算の手順）"), element("ol", { class: "calc-record-steps" }, steps),
    element("h2", {}, "出典"), element("ol", { class: "calc-record-sources" }, sources),
    element("footer", { class: "calc-record-foot" },
      element("p", {}, `就労定着支援ガイドの計算機による記録。計算はこのページの中（ブラウザ）で行い、入力はどこにも送っていません。` +
                       `規則の版：${version}。共有リンクまたは QRコードで、同じ入力の計算を開き直せます` +
                       (roster ? "（名簿ファイルは選び直してください）。" : "。"))));
}

// 結果の中の「算定根拠書を印刷」の欄。shown()：表示中の結果（入力・リンク・計算日時）、qr(text)：QR コードの SVG。
export function recordBox({ form, kind, shown, qr, includeUsers }) {
  const button = element("button", { type: "button", class: "md-button calc-record-print",
                                     "aria-describedby": `${kind}-record-hint` }, "算定根拠書を印刷");
  const status = element("p", { class: "calc-record-status", role: "status", "aria-live": "polite" });
  const hint = kind === "roster"
    ? "入力・結果・根拠・出典と、この条件を開き直すリンク（QRコード）を A4 で印刷します。既定では事業所の合計だけを載せ、" +
      "利用者ID・行ごとの内容は載せません。"
    : "入力・結果・根拠・出典と、この計算を開き直すリンク（QRコード）を A4 で印刷します。";
  button.addEventListener("click", () => printRecord(button, status));
  let choice = null;
  if (kind === "roster") {
    const users = element("input", { type: "checkbox", id: `${kind}-record-users`, class: "calc-record-users", checked: includeUsers.value });
    users.addEventListener("change", () => { includeUsers.value = users.checked; });
    choice = element("div", { class: "calc-check calc-record-users-box" }, users,
                     element("label", { for: `${kind}-record-users` }, "利用者ごとの表も含める（利用者ID・行ごとの内容が載ります）"));
  }

  async function printRecord() {
    const record = shown();
    if (!record || button.getAttribute("aria-disabled") === "true")
      return;
    button.setAttribute("aria-disabled", "true");
    status.textContent = "算定根拠書を準備中…";
    const [build, code] = await Promise.all([buildInfo(), qr(record.link).then(svg => ({ svg }), error => ({ error: error.message }))]);
    button.removeAttribute("aria-disabled");
    if (shown() !== record)
      return;  // 準備の間に結果が変わった：古い結果は印刷しない
    dropRecord();
    (document.querySelector("main") || document.body).append(recordSheet(record, build, code, kind === "roster" && includeUsers.value));
    document.documentElement.classList.add("calc-record-printing");
    form.dataset.record = "ready";
    status.textContent = code.svg ? "算定根拠書を印刷します。" : `算定根拠書を印刷します（QRコードは作れませんでした：${code.error}）。`;
    printingRecord = true;
    window.print();
  }

  return element("div", { class: "calc-record-box" }, button, choice,
                 element("p", { class: "calc-record-hint", id: `${kind}-record-hint` }, hint), status);
}
