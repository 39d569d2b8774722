/*
 * 計算機のページの動作。フォーム（scripts/docs_hooks.py が teichaku.web.FORMS から生成）を読み、Web Worker の
 * Pyodide で teichaku.web.run を実行して結果と根拠を表示する。入力の検証とメッセージは Python の規則のもの。
 * 入力はこのページの外へ送らない（共有リンクはフォームの値を URL の # 以降に入れるだけで、サーバーには届かない）。
 */

const form = document.querySelector("form.calc[data-calculator]");
if (form)
  setUp(form);

function siteRoot() {
  return globalThis.__md_scope instanceof URL ? globalThis.__md_scope : new URL("../../", location.href);
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

  const setStatus = (text, state) => {
    statusText.textContent = text;
    form.dataset.state = state;
    retry.hidden = state !== "failed";
  };

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
      } else if (values.has(key))
        form.querySelector(`#f-${key}`).value = all[0];
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
      else if (kind === "checkbox")
        values.append(key, value ? "on" : "off");
      else if (String(value).trim() !== "")
        values.append(key, value);
    }
    return values.toString();
  }

  // ---- エラーと結果の表示 ----
  function clearErrors() {
    form.querySelectorAll(".calc-error").forEach(node => { node.hidden = true; node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(node => node.removeAttribute("aria-invalid"));
  }

  function showErrors(errors) {
    let first = null;
    for (const error of errors) {
      const box = error.field ? form.querySelector(`#f-${error.field}-error`) : null;
      const text = `${error.label}：${error.message}`;
      if (!box) {
        output.replaceChildren(element("p", { class: "calc-error-general", role: "alert" }, `エラー：${text}`));
        continue;
      }
      box.textContent = `エラー：${error.message}`;
      box.hidden = false;
      let input = form.querySelector(`#f-${error.field}`);
      if (error.index !== null && error.index !== undefined)
        input = form.querySelectorAll(`input[name="${error.field}"]`)[error.index] || input;
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    }
    if (first && focusOnError)
      first.focus();
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
      source.confidence ? ` （確度：${source.confidence}）` : null));
    parts.push(element("section", { class: "calc-basis", "aria-labelledby": `${kind}-basis-heading` },
                       element("h3", { id: `${kind}-basis-heading` }, "根拠（計算の手順）"), element("ol", {}, steps),
                       element("h3", {}, "出典"), element("ul", {}, cited)));
    output.replaceChildren(...parts);
  }

  // 結果のファイル（CSV・Excel）：ボタンを押したときに作り、ダウンロードのリンクに置き換える
  async function requestExport(button) {
    button.disabled = true;
    button.textContent = "作成中…";
    worker.postMessage({ type: "export", format: button.dataset.format, inputs: readInputs(), file: await readFile() });
  }

  form.addEventListener("click", event => {
    if (event.target.classList.contains("calc-print"))
      window.print();
  });

  // ---- 計算 ----
  async function send(inputs) {
    busy = true;
    const id = ++sent;
    const file = await readFile();
    // ファイルの中身は Worker に移す（コピーしない）
    worker.postMessage({ type: "run", id, kind, inputs, file }, file ? [file.buffer] : []);
  }

  function compute() {
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
    if (message.type === "ready") {
      ready = true;
      clearTimeout(watchdog);
      form.dataset.timings = JSON.stringify(message.timings);
      form.dataset.readyAt = String(performance.now());  // ベンチマーク用（scripts/bench_calculators.py）
      setStatus("計算の準備：準備完了", "ready");
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

  function start() {
    if (worker)
      worker.terminate();
    ready = false;
    busy = false;
    setStatus("計算の準備：読み込み中…（入力はこのまま続けられます）", "loading");
    worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
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
  form.addEventListener("input", event => {
    if (!event.target.classList.contains("calc-share-link"))
      changed();
  });
  form.addEventListener("change", event => {
    if (event.target.type === "checkbox" || event.target.tagName === "SELECT")
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
