/*
 * 計算機のページの動作（入口）。フォーム（calculator/teichaku_site/forms.py が teichaku.interfaces.web.FORMS から生成）を読み、
 * Web Worker の Pyodide で teichaku.interfaces.web.run を実行して結果と根拠を表示する。入力の検証とメッセージは Python の
 * 規則のもの。入力はこのページの外へ送らない（共有リンクはフォームの値を URL の # 以降に入れるだけで、サーバーには届かない）。
 * 「算定根拠書を印刷」は、入力・結果・根拠・出典・共有リンクの QR コード・規則の版を A4 の記録にして印刷する（record.css）。
 *
 * 関心ごとのモジュール（ES モジュールのまま配信する。まとめるツールは使わない）：
 *   calculator.js   つなぎ（計算の順番、計算する・共有・消す、共有リンクからの復元、結果へのフォーカス）
 *   form-state.js   フォームの値の読み書き、勤務時間の行、表示のとおりの入力   share.js  共有リンク（純粋）
 *   worker-client.js  Worker との間（計算・QR コード・ファイル）               progress.js  状態と進み具合
 *   result-view.js  結果とエラーの表示        record.js  算定根拠書         roster-view.js  名簿の保存と要約の印刷
 *   offline.js      オフラインの保存          dates.js   日付の文字（純粋）  dom.js  要素を作る道具
 */
// ここでは静的な import をしない：計算機のページのモジュールは、下ですべてを一度に読み始める（import の連なりを一段ずつ
// たどると、往復の回数だけ遅れる。service worker から読む2回目の訪問でも）。ガイドのページでは読まない。
const CALCULATOR_MODULES = ["./calculator.js", "./form-state.js", "./share.js", "./dates.js", "./eras.js", "./progress.js",
                            "./worker-client.js", "./result-view.js", "./record.js", "./roster-view.js", "./offline.js",
                            "./dom.js"];

// 計算機のページだけのスタイル（エラーの一覧、進み具合、オフラインの保存）：ガイドのページには読み込まない
function addStyleSheet() {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("./calc.css", import.meta.url).href;
  document.head.append(link);
}

// サイトの根（dom.js の siteRoot と同じ）
const root = globalThis.__md_scope instanceof URL ? globalThis.__md_scope : new URL("../../", location.href);

const form = document.querySelector("form.calc[data-calculator]");
if (form) {
  addStyleSheet();
  // 「JavaScript を有効にしてください」をすぐに読み込み中に（モジュールが揃う前から。文は calculator.js の start と同じ）
  const statusText = form.querySelector(".calc-status-text");
  if (statusText)
    statusText.textContent = "計算の準備：読み込み中…（入力はこのまま続けられます）";
  form.dataset.state = "loading";
  // モジュールが揃うまでの「計算する」・Enter：ページを送信させず（送り先はない）、揃ってから計算する
  let held = false;
  const hold = event => {
    event.preventDefault();
    held = true;
    // 押したことが伝わるように（文は calculator.js が計算を待つときと同じ）
    if (statusText)
      statusText.textContent = "計算の準備：読み込み中…（準備ができ次第、計算します）";
  };
  form.addEventListener("submit", hold);
  const [calculator] = await Promise.all(CALCULATOR_MODULES.map(name => import(name)));
  form.removeEventListener("submit", hold);
  calculator.mountCalculator(form);
  if (held)
    form.requestSubmit();
} else if (location.pathname === new URL("calc/", root).pathname) {
  addStyleSheet();
  const offline = await import("./offline.js");
  offline.mountOfflineAction();  // 計算機の一覧のページ：「オフラインでも使えるようにする」
}
