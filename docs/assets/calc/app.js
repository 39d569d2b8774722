/*
 * 計算機のページの動作。フォーム（scripts/docs_hooks.py が teichaku.interfaces.web.FORMS から生成）を読み、Web Worker の
 * Pyodide で teichaku.interfaces.web.run を実行して結果と根拠を表示する。入力の検証とメッセージは Python の規則のもの。
 * 入力はこのページの外へ送らない（共有リンクはフォームの値を URL の # 以降に入れるだけで、サーバーには届かない）。
 * 「算定根拠書を印刷」は、入力・結果・根拠・出典・共有リンクの QR コード・規則の版を A4 の記録にして印刷する（record.css）。
 */

const form = document.querySelector("form.calc[data-calculator]");
if (form) {
  addStyleSheet();
  setUp(form);
} else if (isCalculatorIndex()) {
  addStyleSheet();
  offlineAction();
}

function siteRoot() {
  return globalThis.__md_scope instanceof URL ? globalThis.__md_scope : new URL("../../", location.href);
}

// 計算機のページだけのスタイル（エラーの一覧、進み具合、オフラインの保存）：ガイドのページには読み込まない
function addStyleSheet() {
  document.head.append(element("link", { rel: "stylesheet", href: new URL("./calc.css", import.meta.url).href }));
}

function megabytes(bytes) {
  return (bytes / 1048576).toLocaleString("ja-JP", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

// ---- 計算機の一覧のページ：「オフラインでも使えるようにする」----
// 計算用の実行環境（Pyodide と wheel、約13 MB）は、計算機のページを開いたときに読み込まれ、service worker が
// 保存する。ガイドのページは読み込まない。ここでは、計算機を開く前に保存しておきたい人のために、明示的に保存させる。
function isCalculatorIndex() {
  return location.pathname === new URL("calc/", siteRoot()).pathname;
}

function offlineAction() {
  const heading = document.querySelector(".md-content article h1");
  if (!heading)
    return;
  const status = element("p", { class: "calc-offline-status", role: "status", "aria-live": "polite" });
  const bar = element("progress", { class: "calc-progress", max: "1", value: "0", "aria-label": "保存の進み具合", hidden: true });
  const button = element("button", { type: "button", class: "md-button calc-offline-button" }, "オフラインでも使えるようにする");
  const box = element("section", { class: "calc-offline", "aria-labelledby": "calc-offline-heading" },
                      element("h2", { id: "calc-offline-heading" }, "オフラインで使う"),
                      element("p", {}, "計算機を一度開くと、計算に使うファイル（約13 MB）がこの端末に保存され、その後はインターネットに",
                              "つながっていなくても使えます。先に保存しておくには、次のボタンを押してください。"),
                      button, bar, status);
  heading.parentElement.insertBefore(box, heading.nextElementSibling ? heading.nextElementSibling.nextElementSibling : null);
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker) {
    button.disabled = true;
    status.textContent = "このブラウザ（またはこの接続）では保存できません。https または localhost で開くと保存できます。";
    return;
  }
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "保存の準備中…";
    const timeout = setTimeout(() => {
      status.textContent = "保存を始められません（service worker が動いていません）。ページを再読み込みしてから押してください。";
      button.disabled = false;
    }, 15000);
    const registration = await navigator.serviceWorker.ready;
    clearTimeout(timeout);
    cacheRuntime(registration, (done, total) => {
      bar.hidden = false;
      bar.max = String(total || 1);
      bar.value = String(done);
      status.textContent = `保存中：${done} / ${total} ファイル`;
    }).then(() => {
      bar.hidden = true;
      status.textContent = "保存しました。この端末では、オフラインでも計算機を使えます。";
    }, error => {
      bar.hidden = true;
      button.disabled = false;
      status.textContent = `保存できませんでした（${error.message}）。もう一度押してください。`;
    });
  });
}

// service worker に実行環境（pyodide/ と wheels/）の保存を頼む。onProgress(done, total) で進み具合を受け取る。
function cacheRuntime(registration, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const active = registration && registration.active;
    if (!active) {
      reject(new Error("service worker が動いていません"));
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = event => {
      const message = event.data || {};
      if (message.type === "runtime-progress")
        onProgress(message.done, message.total);
      else if (message.type === "runtime-cached")
        resolve();
      else if (message.type === "runtime-failed")
        reject(new Error(message.message || "保存できませんでした"));
    };
    active.postMessage({ type: "cache-runtime" }, [channel.port2]);
  });
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== null && value !== undefined && value !== false)
      node.setAttribute(name, value === true ? "" : value);
  for (const child of children.flat(Infinity))
    if (child !== null && child !== undefined)
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// ---- 算定根拠書（印刷用の記録）----
// 「算定根拠書を印刷」でページの main の最後に section.calc-record を置き、html に calc-record-printing をつけて印刷する。
// 画面には出さない（record.css）。この印刷の間だけ記録が印刷の対象になり、あとで Ctrl+P で印刷すると、いつもどおり
// ページを印刷する（beforeprint で、この操作からの印刷でなければ記録の印刷をやめる）。結果が変わると記録は消す。
let printingRecord = false;
window.addEventListener("beforeprint", () => {
  if (!printingRecord)
    dropRecord();
});
window.addEventListener("afterprint", () => { printingRecord = false; });
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

function dropRecord() {
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

// 日付：西暦（和暦）。teichaku.rules.dates.japanese_date と同じ書き方（元年）。
const ERAS = [["令和", 2019, 5, 1], ["平成", 1989, 1, 8], ["昭和", 1926, 12, 25]];
function japaneseDate(year, month, day) {
  const western = `${year}年${month}月${day}日`;
  const era = ERAS.find(([, y, m, d]) => year * 10000 + month * 100 + day >= y * 10000 + m * 100 + d);
  if (!era)
    return western;
  const number = year - era[1] + 1;
  return `${western}（${era[0]}${number === 1 ? "元" : number}年${month}月${day}日）`;
}

function dateTimeText(date) {
  const offset = -date.getTimezoneOffset();
  const zone = `UTC${offset >= 0 ? "+" : "−"}${Math.floor(Math.abs(offset) / 60)}${Math.abs(offset) % 60 ? `:${String(Math.abs(offset) % 60).padStart(2, "0")}` : ""}`;
  return `${japaneseDate(date.getFullYear(), date.getMonth() + 1, date.getDate())} ` +
         `${date.getHours()}時${String(date.getMinutes()).padStart(2, "0")}分（${zone}）`;
}

function isoDateText(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return match ? japaneseDate(Number(match[1]), Number(match[2]), Number(match[3])) : iso;
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
  // 1モジュールをおよそ0.5 mm に（長いリンクほど大きく、30〜60 mm の間）
  const modules = node.viewBox && node.viewBox.baseVal ? node.viewBox.baseVal.width : 0;
  const size = Math.min(60, Math.max(30, Math.ceil(modules * 0.5)));
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

function megabytesOrBytes(size) {
  return size >= 1048576 ? `${megabytes(size)} MB` : `${size.toLocaleString("ja-JP")} バイト`;
}

// 名簿の記録：利用者ごとの内容（利用者ID・行）は、利用者の表を含めるときだけ載せる
const ROSTER_PER_USER_LABELS = new Set(["問2で除外した利用者", "注意"]);
const ROSTER_OFFICE_TABLES = new Set(["月ごとの利用者数"]);

function rosterSummary(summary, includeUsers) {
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
  const meta = [["計算機", result.title || ""], ["計算日時", dateTimeText(record.at)]];
  if (result.rules_on)
    meta.push(["規則の基準日", `${isoDateText(result.rules_on)}（この日に効力を持つ基準・報酬の値で計算）`]);
  if (schedule)
    meta.push([schedule.label, schedule.value]);
  meta.push(["規則の版", version], ["共有リンク", element("span", { class: "calc-record-link" }, record.link)]);
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
  const inputNotes = ["空欄の項目と、チェックしていない項目は省略しています。"];
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

function setUp(form) {
  const kind = form.dataset.calculator;
  const statusText = form.querySelector(".calc-status-text");
  const retry = form.querySelector(".calc-retry");
  const output = form.querySelector(".calc-result");
  const shareBox = form.querySelector(".calc-share-box");
  const shareLink = form.querySelector(".calc-share-link");
  const hoursBody = form.querySelector(".calc-hours tbody");
  let worker = null;
  let ready = false;
  let live = false;       // 一度計算した後は、入力を変えるたびに計算し直す
  let sent = 0;           // 最後に送った計算の番号
  let busy = false;
  let queued = null;      // 計算中に来た最新の入力
  let focusOnError = false;
  let watchdog = 0;
  const LOAD_TIMEOUT_MS = 120000;
  let lastSent = null;    // 最後に送った計算の入力（フォームの表示のとおり）と共有リンク：算定根拠書に印字する
  let shown = null;       // 表示中の結果とその入力・計算日時（算定根拠書の元）
  let includeUsers = false;  // 名簿：算定根拠書に利用者ごとの表も含める（既定は事業所の合計だけ）

  // 状態の表示：文（aria-live polite で読み上げる）と、読み込みの進み具合（<progress> とバイト数、読み上げの対象外）。
  // 文は段階が変わるとき（と 25% ごと）だけ変え、バイト数の細かい更新で読み上げが続かないようにする。
  const statusBox = form.querySelector(".calc-status");
  statusBox.removeAttribute("role");
  statusBox.removeAttribute("aria-live");
  statusText.setAttribute("role", "status");
  statusText.setAttribute("aria-live", "polite");
  const progressBar = element("progress", { class: "calc-progress", max: "1", "aria-label": "計算の準備の進み具合", hidden: true });
  const progressBytes = element("span", { class: "calc-progress-bytes", "aria-hidden": "true", hidden: true });
  statusText.after(progressBar, progressBytes);
  let lastStatus = "";

  const setStatus = (text, state) => {
    if (text !== lastStatus)
      statusText.textContent = text;
    lastStatus = text;
    form.dataset.state = state;
    retry.hidden = state !== "failed";
    if (state !== "loading") {
      progressBar.hidden = true;
      progressBytes.hidden = true;
    }
  };

  const PHASES = {
    download: "Python の実行環境を読み込み中",
    boot: "Python を起動中",
    rules: "計算の規則を準備中",
    xlsx: "Excel を読む部品を準備中",
  };
  function showProgress({ phase, loaded, total }) {
    if (ready || form.dataset.state === "failed")
      return;  // 失敗を示した後に届いた進み具合で「再試行」を隠さない
    const waiting = queued ? "（準備ができ次第、計算します）" : "（入力はこのまま続けられます）";
    let text = `計算の準備：${PHASES[phase] || "読み込み中"}…${waiting}`;
    if (phase === "download" && total) {
      const quarter = Math.min(3, Math.floor(loaded / total * 4)) * 25;
      text = `計算の準備：${PHASES.download}…${quarter ? `${quarter}%以上` : ""}${waiting}`;
    }
    setStatus(text, "loading");
    form.dataset.loaded = String(loaded);
    form.dataset.total = String(total);
    if (total) {
      progressBar.max = String(total);
      progressBar.value = String(Math.min(loaded, total));
      progressBytes.textContent = `${megabytes(Math.min(loaded, total))} / ${megabytes(total)} MB`;
    } else {
      progressBar.removeAttribute("value");  // 合計が分からない：動きだけを示す
      progressBytes.textContent = `${megabytes(loaded)} MB`;
    }
    progressBar.hidden = false;
    progressBytes.hidden = false;
  }

  // ---- 勤務時間の表（行の追加・削除）----
  function renumber() {
    [...hoursBody.rows].forEach((row, index) => {
      const n = index + 1;
      row.querySelector("th").textContent = `${n}人目`;
      const input = row.querySelector("input");
      input.id = `f-hours-${index}`;
      row.querySelector("label").setAttribute("for", input.id);
      row.querySelector("label").textContent = `${n}人目の週の勤務時間（時間）`;
      row.querySelector("button").textContent = `${n}人目を削除`;
    });
  }

  function addRow(value = "", focus = false) {
    const input = element("input", { type: "text", name: "hours", inputmode: "decimal", autocomplete: "off",
                                     class: "calc-input-short", "aria-describedby": "f-hours-hint f-hours-error" });
    input.value = value;
    const remove = element("button", { type: "button", class: "md-button calc-remove-row" });
    const row = element("tr", {}, element("th", { scope: "row" }),
                        element("td", {}, element("label", { class: "calc-visually-hidden" }), input),
                        element("td", {}, remove));
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      (next ? next.querySelector("input") : form.querySelector(".calc-add-row")).focus();
      changed();
    });
    hoursBody.append(row);
    renumber();
    if (focus)
      input.focus();
  }

  if (hoursBody) {
    form.querySelector(".calc-add-row").addEventListener("click", () => addRow("", true));
  }

  // ---- 入力の読み書き ----
  function fieldKinds() {
    return [...form.querySelectorAll("[data-field]")].map(node => [node.dataset.field, node.dataset.kind]);
  }

  function readInputs() {
    const inputs = {};
    for (const [key, kind] of fieldKinds()) {
      if (kind === "checkbox")
        inputs[key] = form.querySelector(`#f-${key}`).checked ? "on" : "";
      else if (kind === "checkboxes")
        inputs[key] = [...form.querySelectorAll(`input[name="${key}"]:checked`)].map(box => box.value);
      else if (kind === "hours")
        inputs[key] = [...form.querySelectorAll(`input[name="${key}"]`)].map(input => input.value);
      else if (kind === "file") {
        const file = form.querySelector(`#f-${key}`).files[0];
        inputs[key] = file ? file.name : "";
      } else
        inputs[key] = form.querySelector(`#f-${key}`).value;
    }
    return inputs;
  }

  // 名簿ファイル：このページの中で読むだけ（送信しない）
  async function readFile() {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files[0];
    return file ? new Uint8Array(await file.arrayBuffer()) : null;
  }

  function writeInputs(values) {
    for (const [key, kind] of fieldKinds()) {
      const all = values.getAll(key);
      if (kind === "checkbox")
        form.querySelector(`#f-${key}`).checked = values.has(key) ? all[0] === "on" : form.querySelector(`#f-${key}`).defaultChecked;
      else if (kind === "checkboxes")
        form.querySelectorAll(`input[name="${key}"]`).forEach(box => { box.checked = all.includes(box.value); });
      else if (kind === "file")
        continue;
      else if (kind === "hours") {
        hoursBody.replaceChildren();
        (all.length ? all : ["", ""]).forEach(value => addRow(value));
      } else {
        // リンクにない項目は既定に戻す（前のリンクの値を残さない）。開いた月を入れる項目は今の値のまま
        const el = form.querySelector(`#f-${key}`);
        if (values.has(key)) el.value = all[0];
        else if (!el.dataset.default) el.value = el.tagName === "SELECT" ? "" : el.defaultValue;
      }
    }
  }

  function fragment() {
    const values = new URLSearchParams();
    const inputs = readInputs();
    for (const [key, kind] of fieldKinds()) {
      const value = inputs[key];
      if (kind === "file")
        continue;  // ファイルは共有リンクに入れない
      if (Array.isArray(value))
        value.filter(v => v.trim() !== "" || kind === "checkboxes").forEach(v => values.append(key, v));
      else if (kind === "checkbox") {
        // 既定と違うときだけリンクに入れる（短いリンク・小さい QR コードのため。読むときは、ないものを既定とする）
        const checked = value === "on";
        if (checked !== form.querySelector(`#f-${key}`).defaultChecked) values.append(key, checked ? "on" : "off");
      }
      else if (String(value).trim() !== "")
        values.append(key, value);
    }
    return values.toString();
  }

  // ---- エラーと結果の表示 ----
  // エラーは全項目分をまとめて示す：フォームの先頭にエラーの一覧（デジタル庁デザインシステムのエラーサマリー：
  // 見出し、件数、各項目へのリンク）、各項目の上にそのメッセージ。一覧はフォームの項目の順に並べる。
  // 前の結果は消し、「入力にエラーがあるため結果を表示していません」と示す（古い結果が新しい入力と並んで
  // 画面や印刷に残らないように）。
  const summary = element("div", { class: "calc-error-summary", tabindex: "-1", "aria-labelledby": `${kind}-error-summary-heading`,
                                   hidden: true });
  statusBox.after(summary);

  function clearErrors() {
    form.querySelectorAll(".calc-error").forEach(node => { node.hidden = true; node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(node => node.removeAttribute("aria-invalid"));
    summary.hidden = true;
    summary.replaceChildren();
  }

  // 項目（と勤務時間の行）の入力欄。フォームの中の位置で並べ替えるのに使う。
  function inputFor(error) {
    if (!error.field)
      return null;
    if (error.index !== null && error.index !== undefined) {
      const row = form.querySelectorAll(`input[name="${error.field}"]`)[error.index];
      if (row)
        return row;
    }
    return form.querySelector(`#f-${error.field}`) || form.querySelector(`[name="${error.field}"]`) ||
           form.querySelector(`[data-field="${error.field}"]`);
  }

  function inFormOrder(errors) {
    const placed = errors.map((error, position) => ({ error, position, node: inputFor(error) }));
    placed.sort((a, b) => {
      if (!a.node || !b.node)
        return (a.node ? 1 : 0) - (b.node ? 1 : 0) || a.position - b.position;  // 項目のないエラーを先に
      if (a.node === b.node)
        return a.position - b.position;
      return a.node.compareDocumentPosition(b.node) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    return placed;
  }

  function showErrors(errors) {
    const placed = inFormOrder(errors || []);
    const items = [];
    const boxes = new Map();
    for (const { error, node } of placed) {
      const label = error.label || "入力";
      const box = error.field ? form.querySelector(`#f-${error.field}-error`) : null;
      if (box) {
        const texts = boxes.get(box) || [];
        texts.push(error.message);
        boxes.set(box, texts);
      }
      if (node && node.matches("input, select, textarea"))
        node.setAttribute("aria-invalid", "true");
      const text = `${label}：${error.message}`;
      if (node) {
        const target = node.matches("input, select, textarea") ? node : node.querySelector("input, select, textarea") || node;
        const link = element("a", { href: `#${target.id || ""}` }, text);
        link.addEventListener("click", event => {
          // # を書き換えない（# 以降は入力の保存に使う）：その項目へ移ってフォーカスする
          event.preventDefault();
          target.scrollIntoView({ block: "center" });
          target.focus();
        });
        items.push(element("li", {}, link));
      } else {
        items.push(element("li", {}, text));
      }
    }
    for (const [box, texts] of boxes) {
      box.textContent = texts.map(text => `エラー：${text}`).join(" ");
      box.hidden = false;
    }
    summary.replaceChildren(
      element("h2", { id: `${kind}-error-summary-heading`, class: "calc-error-summary-heading" }, "入力内容を確認してください"),
      element("p", {}, `${items.length}件のエラーがあります。各項目を直すと、計算し直します。`),
      element("ul", {}, items));
    summary.hidden = false;
    // 前の結果は残さない（算定根拠書も）
    shown = null;
    dropRecord();
    output.replaceChildren(element("p", { class: "calc-no-result" }, "入力にエラーがあるため、結果を表示していません。"));
    if (focusOnError)
      summary.focus();
  }

  function sourceLink(source) {
    if (!source.href)
      return element("span", {}, source.label);
    return element("a", { href: new URL(source.href, siteRoot()).href }, source.label);
  }

  function renderTable(table) {
    const head = element("tr", {}, table.columns.map((column, index) =>
      element("th", { scope: "col", class: index === table.current_column ? "calc-current-column" : null },
              column, index === table.current_column ? "（該当）" : "")));
    const rows = table.rows.map(row => element("tr", { class: row.current ? "calc-current" : null },
      row.cells.map((cell, index) => element(index === 0 ? "th" : "td", {
        scope: index === 0 ? "row" : null,
        "data-label": index === 0 ? null : table.columns[index],  // 狭い画面で縦に積むとき、値の前に列の見出し（site.css）
        class: index === table.current_column ? "calc-current-column" : null,
      }, cell, index === 0 && row.current ? "（該当）" : ""))));
    return element("div", { class: "calc-table-wrap" },
                   // 横に長い表はスクロールするので、キーボードでも動かせるようにする（tabindex）
                   element("table", { tabindex: "0" }, element("caption", {}, table.caption), element("thead", {}, head),
                           element("tbody", {}, rows)));
  }

  function renderTimeline(timeline) {
    const items = timeline.bars.map(bar => {
      const track = element("span", { class: "calc-track", "aria-hidden": "true" });
      const fill = element("span", { class: `calc-bar calc-bar-${bar.tone}` });
      fill.style.left = `${bar.from * 100}%`;
      fill.style.width = `${Math.max((bar.to - bar.from) * 100, 0.5)}%`;
      track.append(fill);
      return element("li", {}, element("span", { class: "calc-bar-label" }, `${bar.label}：${bar.text}`), track);
    });
    return element("figure", { class: "calc-timeline" }, element("figcaption", {}, timeline.caption), element("ul", {}, items));
  }

  function render(result) {
    const sources = new Map(result.sources.map(source => [source.label, source]));
    const parts = [element("h2", { id: `${kind}-result-heading` }, "計算結果"),
                   element("p", { class: `calc-verdict calc-verdict-${result.verdict.tone}` }, result.verdict.text)];
    parts.push(element("dl", { class: "calc-summary" },
                       result.summary.map(item => [element("dt", {}, item.label), element("dd", {}, item.value)])));
    if (result.timeline)
      parts.push(renderTimeline(result.timeline));
    for (const list of result.lists)
      parts.push(element("h3", {}, list.title), element("ul", {}, list.items.map(item => element("li", {}, item))));
    if (result.table)
      parts.push(renderTable(result.table));
    for (const table of result.tables || [])
      parts.push(renderTable(table));
    if (result.downloads) {
      const buttons = result.downloads.map(item => {
        const button = element("button", { type: "button", class: "md-button calc-export", "data-format": item.format,
                                           "data-name": item.name }, item.label);
        button.addEventListener("click", () => requestExport(button));
        return button;
      });
      parts.splice(2, 0, element("p", { class: "calc-downloads" }, buttons,
                                 element("button", { type: "button", class: "md-button calc-print" }, "要約を印刷")));
    }
    const steps = result.steps.map(step => element("li", {}, step.text,
      step.sources.length ? element("span", { class: "calc-step-sources" }, "（",
        step.sources.map((label, i) => [i ? "、" : "", sources.has(label) ? sourceLink(sources.get(label)) : label]), "）") : null));
    const cited = result.sources.map(source => element("li", {}, sourceLink(source),
      source.quote ? [" ", element("q", {}, source.quote)] : null,
      source.url ? [" ", element("a", { href: source.url, rel: "noopener" }, "e-Gov 法令検索で開く")] : null,
      source.confidence ? ` （確度：${({ high: "高", medium: "中", low: "低" })[source.confidence] || source.confidence}` +
        `${source.checked_against ? `。${source.checked_against}で確認` : ""}）` : null));
    parts.push(element("section", { class: "calc-basis", "aria-labelledby": `${kind}-basis-heading` },
                       element("h3", { id: `${kind}-basis-heading` }, "根拠（計算の手順）"), element("ol", {}, steps),
                       element("h3", {}, "出典"), element("ul", {}, cited)));
    parts.splice(2, 0, recordBox());
    output.replaceChildren(...parts);
  }

  // ---- 算定根拠書：入力・結果・根拠・出典・共有リンクと QR コード・規則の版を A4 で印刷する ----
  function recordBox() {
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
      const users = element("input", { type: "checkbox", id: `${kind}-record-users`, class: "calc-record-users", checked: includeUsers });
      users.addEventListener("change", () => { includeUsers = users.checked; });
      choice = element("div", { class: "calc-check calc-record-users-box" }, users,
                       element("label", { for: `${kind}-record-users` }, "利用者ごとの表も含める（利用者ID・行ごとの内容が載ります）"));
    }
    return element("div", { class: "calc-record-box" }, button, choice,
                   element("p", { class: "calc-record-hint", id: `${kind}-record-hint` }, hint), status);
  }

  // フォームの表示のとおりの入力（項目名 → 値）。空欄の項目と、既定のままのチェックなしは載せない。
  function fieldLabel(node, key) {
    const head = node.matches("fieldset") ? node.querySelector("legend") : node.querySelector(`label[for="f-${key}"]`);
    if (!head)
      return key;
    const copy = head.cloneNode(true);
    copy.querySelectorAll(".calc-required, .calc-optional").forEach(mark => mark.remove());
    return copy.textContent.trim();
  }

  function enteredValues() {
    const entries = [];
    for (const node of form.querySelectorAll("[data-field]")) {
      const key = node.dataset.field;
      const control = form.querySelector(`#f-${key}`);
      let value = "";
      if (node.dataset.kind === "checkbox")
        value = control.checked ? "はい" : control.defaultChecked ? "いいえ" : "";
      else if (node.dataset.kind === "checkboxes")
        value = [...node.querySelectorAll("input:checked")].map(box => box.value).join("、");
      else if (node.dataset.kind === "hours")
        value = [...node.querySelectorAll("input")].map((input, i) => input.value.trim() ? `${i + 1}人目：${input.value.trim()}` : "")
          .filter(Boolean).join("、");
      else if (node.dataset.kind === "file")
        value = control.files[0] ? control.files[0].name : "";
      else if (node.dataset.kind === "select")
        value = control.value ? control.selectedOptions[0].textContent.trim() : "";
      else
        value = control.value.trim();
      if (value)
        entries.push({ key, label: fieldLabel(node, key), value });
    }
    return entries;
  }

  function shareUrl() {
    const query = fragment();
    return `${location.href.split("#")[0]}${query ? `#${query}` : ""}`;
  }

  // 名簿ファイルの名前・大きさ・SHA-256（どのファイルで計算したかを、中身を載せずに示す）
  async function fileFacts(bytes) {
    const file = form.querySelector("input[type=file]").files[0];
    let digest = "";
    try {
      if (globalThis.crypto && crypto.subtle)
        digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map(b => b.toString(16).padStart(2, "0")).join("");
    } catch (error) {
      digest = "";
    }
    return { name: file ? file.name : "", size: bytes.byteLength, digest };
  }

  // QR コード：Worker の Python（teichaku.interfaces.web.qr_svg、segno）が作る SVG
  const qrWaiting = new Map();
  let qrCount = 0;
  function requestQr(text) {
    if (!worker || !ready)
      return Promise.reject(new Error("計算の準備ができていません"));
    const id = ++qrCount;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        qrWaiting.delete(id);
        reject(new Error("時間がかかりすぎています"));
      }, 30000);
      qrWaiting.set(id, { resolve, reject, timer });
      worker.postMessage({ type: "qr", id, text });
    });
  }

  function answerQr(message) {
    const waiting = qrWaiting.get(message.id);
    if (!waiting)
      return;
    clearTimeout(waiting.timer);
    qrWaiting.delete(message.id);
    if (message.error)
      waiting.reject(new Error(message.error));
    else
      waiting.resolve(message.svg);
  }

  async function printRecord(button, status) {
    const record = shown;
    if (!record || button.getAttribute("aria-disabled") === "true")
      return;
    button.setAttribute("aria-disabled", "true");
    status.textContent = "算定根拠書を準備中…";
    const [build, qr] = await Promise.all([buildInfo(),
                                           requestQr(record.link).then(svg => ({ svg }), error => ({ error: error.message }))]);
    button.removeAttribute("aria-disabled");
    if (shown !== record)
      return;  // 準備の間に結果が変わった：古い結果は印刷しない
    dropRecord();
    (document.querySelector("main") || document.body).append(recordSheet(record, build, qr, kind === "roster" && includeUsers));
    document.documentElement.classList.add("calc-record-printing");
    form.dataset.record = "ready";
    status.textContent = qr.svg ? "算定根拠書を印刷します。" : `算定根拠書を印刷します（QRコードは作れませんでした：${qr.error}）。`;
    printingRecord = true;
    window.print();
  }

  // 結果のファイル（CSV・Excel）：ボタンを押したときに作り、ダウンロードのリンクに置き換える
  async function requestExport(button) {
    button.disabled = true;
    button.textContent = "作成中…";
    worker.postMessage({ type: "export", format: button.dataset.format, inputs: readInputs(), file: await readFile() });
  }

  // 「要約を印刷」（名簿）：判定・要約・読み込めなかった行・根拠だけを印刷する。利用者ごと・月ごとの大きな表、フォーム、
  // ページの説明は印刷しない（html.calc-summary-printing のとき。site.css）。印刷が終われば、Ctrl+P はいつものページ。
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

  // ---- 計算 ----
  async function send(inputs) {
    busy = true;
    const id = ++sent;
    const snapshot = { id, entries: enteredValues(), link: shareUrl(), file: null };
    const file = await readFile();
    if (file)
      snapshot.file = await fileFacts(file);  // Worker に移す前に
    lastSent = snapshot;
    // ファイルの中身は Worker に移す（コピーしない）
    worker.postMessage({ type: "run", id, kind, inputs, file }, file ? [file.buffer] : []);
  }

  // 入力を URL の # 以降に保つ（再読み込み、戻る、ブックマークで同じ条件が開く）。履歴は増やさない。
  function keepInUrl() {
    const query = fragment();
    const url = `${location.href.split("#")[0]}${query ? `#${query}` : ""}`;
    if (url !== location.href)
      history.replaceState(history.state, "", url);
  }

  function compute() {
    keepInUrl();
    const inputs = readInputs();
    if (!ready) {
      setStatus("計算の準備：読み込み中…（準備ができ次第、計算します）", "loading");
      queued = inputs;
      return;
    }
    if (busy)
      queued = inputs;
    else
      send(inputs);
  }

  function changed() {
    if (live)
      compute();
  }

  function onMessage(event) {
    const message = event.data;
    if (message.type === "progress") {
      showProgress(message);
    } else if (message.type === "ready") {
      ready = true;
      clearTimeout(watchdog);
      form.dataset.timings = JSON.stringify(message.timings);
      form.dataset.readyAt = String(performance.now());  // ベンチマーク用（scripts/bench_calculators.py）
      setStatus("計算の準備：準備完了", "ready");
      keepForOffline();
      if (queued) {
        const inputs = queued;
        queued = null;
        send(inputs);
      }
    } else if (message.type === "export") {
      const button = form.querySelector(`.calc-export[data-format="${message.format}"]`);
      if (!button)
        return;
      if (message.error) {
        button.textContent = `ファイルを作れませんでした（${message.error}）`;
        return;
      }
      const type = message.format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv";
      const url = URL.createObjectURL(new Blob([message.bytes], { type }));
      const link = element("a", { href: url, download: button.dataset.name, class: "md-button calc-download" },
                           `${button.dataset.name} をダウンロード`);
      button.replaceWith(link);
      link.focus();
    } else if (message.type === "qr") {
      answerQr(message);
    } else if (message.type === "failed") {
      setStatus(`計算の準備：失敗しました（${message.message}）。「再試行」を押してください。`, "failed");
    } else if (message.type === "result") {
      busy = false;
      if (queued) {
        const inputs = queued;
        queued = null;
        send(inputs);
        return;
      }
      if (message.id !== sent)
        return;
      clearErrors();
      form.dataset.computeMs = String(message.ms);
      form.dataset.firstResultAt = form.dataset.firstResultAt || String(performance.now());
      if (message.result.ok) {
        dropRecord();
        const snapshot = lastSent && lastSent.id === message.id ? lastSent : { entries: enteredValues(), link: shareUrl(), file: null };
        shown = { ...snapshot, result: message.result, at: new Date() };
        render(message.result);
        form.dataset.result = "ok";
      } else {
        showErrors(message.result.errors);
        form.dataset.result = "error";
      }
      focusOnError = false;
      form.dispatchEvent(new CustomEvent("calc:result", { detail: message.result }));
    }
  }

  // 読み込みが終わったら、service worker に実行環境の保存を頼む（次からはオフラインでも開ける）。
  // ブラウザの HTTP キャッシュに入った後なので、二重には読み込まない（変わっていないかの確認だけ）。
  function keepForOffline() {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker)
      return;
    navigator.serviceWorker.ready.then(registration => cacheRuntime(registration)).then(
      () => { form.dataset.offline = "saved"; }, () => { form.dataset.offline = "failed"; });
  }

  function start() {
    if (worker)
      worker.terminate();
    ready = false;
    busy = false;
    setStatus("計算の準備：読み込み中…（入力はこのまま続けられます）", "loading");
    worker = globalThis.__teichakuWorker || new Worker(new URL("./worker.js", import.meta.url), { type: "module" }); globalThis.__teichakuWorker = null;  // start.js（head）が先に起動したものを引き継ぐ
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", event => {
      event.preventDefault();
      setStatus("計算の準備：失敗しました（計算用のファイルを読み込めません）。「再試行」を押してください。", "failed");
    });
    worker.postMessage({ type: "init", xlsx: Boolean(form.querySelector("input[type=file]")) });
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (!ready)
        setStatus("計算の準備：失敗しました（読み込みに時間がかかりすぎています）。「再試行」を押してください。", "failed");
    }, LOAD_TIMEOUT_MS);
  }

  retry.addEventListener("click", start);

  form.addEventListener("submit", event => {
    event.preventDefault();
    live = true;
    focusOnError = true;
    compute();
  });
  // 入力の欄だけが計算し直させる（共有リンクの欄、算定根拠書のチェックは入力ではない）
  const isInput = target => !target.classList.contains("calc-share-link") && !target.closest(".calc-record-box");
  form.addEventListener("input", event => {
    if (isInput(event.target))
      changed();
  });
  form.addEventListener("change", event => {
    if ((event.target.type === "checkbox" || event.target.tagName === "SELECT") && isInput(event.target))
      changed();
  });

  form.querySelector(".calc-share").addEventListener("click", async () => {
    const url = `${location.href.split("#")[0]}#${fragment()}`;
    history.replaceState(null, "", url);
    shareLink.value = url;
    shareBox.hidden = false;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch (error) {
      copied = false;
    }
    shareLink.focus();
    shareLink.select();
    setStatus(copied ? "この条件のリンクをコピーしました。" : "リンクを選択しました。Ctrl+C でコピーしてください。", ready ? "ready" : "loading");
  });

  form.querySelector(".calc-clear").addEventListener("click", () => {
    form.reset();
    fillCurrentMonth();
    if (hoursBody) {
      hoursBody.replaceChildren();
      addRow();
      addRow();
    }
    clearErrors();
    output.replaceChildren();
    shown = null;
    dropRecord();
    shareBox.hidden = true;
    live = false;
    history.replaceState(null, "", location.href.split("#")[0]);
    form.querySelector("input:not([type=hidden]), select").focus();
  });

  // ---- 共有リンク（# 以降）からの復元 ----
  const known = new Set(fieldKinds().map(([key]) => key));
  function restore() {
    const values = new URLSearchParams(location.hash.slice(1));
    if (![...values.keys()].some(key => known.has(key)))
      return false;
    writeInputs(values);
    fillCurrentMonth();
    live = true;
    compute();
    return true;
  }
  // サービス提供月の既定値：このページを開いた月
  function fillCurrentMonth() {
    const now = new Date();
    const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
    form.querySelectorAll("input[data-default='current-month']").forEach(input => {
      if (!input.value.trim())
        input.value = month;
    });
  }
  const restoredNow = restore();
  if (!restoredNow && hoursBody) {
    addRow();
    addRow();
  }
  fillCurrentMonth();
  window.addEventListener("hashchange", restore);
  start();
}
