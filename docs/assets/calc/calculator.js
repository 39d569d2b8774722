// 計算機のページ：フォームの状態、Worker、結果の表示、算定根拠書、名簿の操作をつなぐ。
// 一度計算した後は、入力を変えるたびに計算し直す（フォーカスは動かさない）。「計算する」・Enter・共有リンクで開いた
// ときは、結果（またはエラーの一覧）へフォーカスを移して画面に入れる。
import { element } from "./dom.js";
import { mountFormState } from "./form-state.js";
import { mountStatus } from "./progress.js";
import { connectWorker } from "./worker-client.js";
import { mountErrors, renderResult } from "./result-view.js";
import { dropRecord, recordBox } from "./record.js";
import { downloadsBar, mountSummaryPrint, saveExport } from "./roster-view.js";
import { keepForOffline } from "./offline.js";
import { decodeFragment, hasKnownKey, linkFor } from "./share.js";

export function mountCalculator(form) {
  const kind = form.dataset.calculator;
  const output = form.querySelector(".calc-result");
  const shareBox = form.querySelector(".calc-share-box");
  const shareLink = form.querySelector(".calc-share-link");
  let live = false;       // 一度計算した後は、入力を変えるたびに計算し直す
  let sent = 0;           // 最後に送った計算の番号
  let busy = false;
  let queued = null;      // 計算中・準備中に来た最新の入力
  let reveal = null;      // 次の結果を見せに行くか："submit"（計算する・Enter）、"link"（共有リンク）、null（入力中）
  let lastSent = null;    // 最後に送った計算の入力（フォームの表示のとおり）と共有リンク：算定根拠書に印字する
  let shown = null;       // 表示中の結果とその入力・計算日時（算定根拠書の元）
  const includeUsers = { value: false };  // 名簿：算定根拠書に利用者ごとの表も含める（既定は事業所の合計だけ）

  const state = mountFormState(form, { onChange: () => changed() });
  const status = mountStatus(form);
  const errors = mountErrors(form, kind, status.box);
  const client = connectWorker({
    xlsx: state.hasFile,
    handlers: { progress: onProgress, ready: onReady, failed: onFailed, result: onResult, export: message => saveExport(form, message) },
  });
  mountSummaryPrint(form, output);

  function onProgress(message) {
    if (client.isReady() || form.dataset.state === "failed")
      return;  // 失敗を示した後に届いた進み具合で「再試行」を隠さない
    status.showProgress(message, Boolean(queued));
  }

  function onReady(message) {
    form.dataset.timings = JSON.stringify(message.timings);
    form.dataset.readyAt = String(performance.now());  // ベンチマーク用（scripts/bench_calculators.py）
    status.setStatus("計算の準備：準備完了", "ready");
    keepForOffline(form);
    if (queued) {
      const inputs = queued;
      queued = null;
      send(inputs);
    }
  }

  function onFailed(message) {
    status.setStatus(`計算の準備：失敗しました（${message.message}）。「再試行」を押してください。`, "failed");
  }

  // ---- 計算 ----
  async function send(inputs) {
    busy = true;
    const id = ++sent;
    const snapshot = { id, entries: state.enteredValues(), link: state.shareUrl(), file: null };
    const file = await state.readFile();
    if (file)
      snapshot.file = await state.fileFacts(file);  // Worker に移す前に
    lastSent = snapshot;
    client.run(id, kind, inputs, file);
  }

  // 入力を URL の # 以降に保つ（再読み込み、戻る、ブックマークで同じ条件が開く）。履歴は増やさない。
  function keepInUrl() {
    const url = state.shareUrl();
    if (url !== location.href)
      history.replaceState(history.state, "", url);
  }

  function compute() {
    keepInUrl();
    const inputs = state.readInputs();
    if (!client.isReady()) {
      status.setStatus("計算の準備：読み込み中…（準備ができ次第、計算します）", "loading");
      queued = inputs;
      return;
    }
    if (busy)
      queued = inputs;
    else
      send(inputs);
  }

  function changed() {
    reveal = null;  // 入力中：結果が変わってもフォーカスも画面も動かさない
    if (live)
      compute();
  }

  async function requestExport(format) {
    client.exportFile(format, state.readInputs(), await state.readFile());
  }

  // 結果（またはエラーの一覧）を見せに行く。共有リンクで開いたときは、読み込みの間に入力を始めていたら動かさない。
  function bringIntoView(target) {
    const active = document.activeElement;
    if (reveal === "link" && active && active !== document.body && active.matches("input, select, textarea"))
      return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }

  function onResult(message) {
    busy = false;
    if (queued) {
      const inputs = queued;
      queued = null;
      send(inputs);
      return;
    }
    if (message.id !== sent)
      return;
    errors.clear();
    form.dataset.computeMs = String(message.ms);
    form.dataset.firstResultAt = form.dataset.firstResultAt || String(performance.now());
    const result = message.result;
    if (result.ok) {
      dropRecord();
      const snapshot = lastSent && lastSent.id === message.id ? lastSent : { entries: state.enteredValues(), link: state.shareUrl(), file: null };
      shown = { ...snapshot, result, at: new Date() };
      const actions = [recordBox({ form, kind, shown: () => shown, qr: client.qr, includeUsers })];
      if (result.downloads)
        actions.push(downloadsBar(result.downloads, requestExport));
      const heading = renderResult(output, kind, result, actions);
      form.dataset.result = "ok";
      if (reveal)
        bringIntoView(heading);
    } else {
      // 前の結果は残さない（算定根拠書も）
      shown = null;
      dropRecord();
      output.replaceChildren(element("p", { class: "calc-no-result" }, "入力にエラーがあるため、結果を表示していません。"));
      errors.show(result.errors, reveal === "submit");
      form.dataset.result = "error";
    }
    reveal = null;
    form.dispatchEvent(new CustomEvent("calc:result", { detail: result }));
    document.dispatchEvent(new CustomEvent("teichaku:result", { detail: { kind, ok: Boolean(result.ok) } }));
  }

  function start() {
    busy = false;
    status.setStatus("計算の準備：読み込み中…（入力はこのまま続けられます）", "loading");
    client.start();
  }

  status.retry.addEventListener("click", start);

  form.addEventListener("submit", event => {
    event.preventDefault();
    live = true;
    reveal = "submit";
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
    const url = `${location.href.split("#")[0]}#${state.query()}`;
    history.replaceState(null, "", url);
    shareLink.value = url;
    shareBox.hidden = false;
    // navigator.clipboard がない（https でない）ときも、選択して Ctrl+C を頼む
    const copied = await Promise.resolve().then(() => navigator.clipboard.writeText(url)).then(() => true, () => false);
    shareLink.focus();
    shareLink.select();
    status.setStatus(copied ? "この条件のリンクをコピーしました。" : "リンクを選択しました。Ctrl+C でコピーしてください。",
                     client.isReady() ? "ready" : "loading");
  });

  form.querySelector(".calc-clear").addEventListener("click", () => {
    state.clear();
    errors.clear();
    output.replaceChildren();
    shown = null;
    dropRecord();
    shareBox.hidden = true;
    live = false;
    reveal = null;
    history.replaceState(null, "", linkFor(location.href, ""));
    form.querySelector("input:not([type=hidden]), select").focus();
  });

  // ---- 共有リンク（# 以降）からの復元 ----
  function restore() {
    const values = decodeFragment(location.hash);
    if (!hasKnownKey(values, state.keys))
      return false;
    state.writeInputs(values);
    state.fillCurrentMonth();
    live = true;
    reveal = "link";
    compute();
    return true;
  }

  if (!restore())
    state.resetRows();
  state.fillCurrentMonth();
  window.addEventListener("hashchange", restore);
  start();
}
