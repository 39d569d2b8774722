/*
 * 計算機の Web Worker：同じサイトに置いた Pyodide（npm の pyodide、固定版）を起動し、同じビルドで作った teichaku の
 * wheel を入れて、teichaku.interfaces.web.run_json を呼ぶ。indexURL と packageBaseUrl はどちらもサイト内の pyodide/ を指すので、
 * 足りないものがあっても CDN には取りに行かず、ここで失敗する。
 *
 * 読み込みの進み具合：このワーカーの fetch を包み、pyodide/ と wheels/ のファイルを読んだバイト数を数えて
 * {type: "progress", phase, loaded, total} をページに送る（100 ms に1回まで）。total は assets/calc/runtime.json
 * （calculator/teichaku_site/hosting.py がビルド時に書く、展開後の大きさ）から。runtime.json がなければ total は 0
 * （読んだ量だけを示す）。service worker のキャッシュにあるファイルは数えるだけで包まない（wasm のコードキャッシュを
 * 使えるように）。
 */
import { loadPyodide } from "../../pyodide/pyodide.mjs";

const SITE = new URL("../../", import.meta.url);
const RUNTIME = /\/(pyodide|wheels)\/[^/]+$/;
const fetchNative = self.fetch.bind(self);
let web = null;
let failed = null;  // 最初の失敗の知らせ（start.js が先に起動したとき、ページが init を送る前の失敗を init で伝える）

// ---- 進み具合 ----
const progress = { phase: "download", loaded: 0, total: 0, sizes: null, xlsx: false, counted: new Set(), posted: 0 };

function report(force = false) {
  const now = performance.now();
  if (progress.phase === "download" && progress.total && progress.loaded >= progress.total) {
    progress.phase = "boot";  // すべて読み終えた：あとは Python の起動
    force = true;
  }
  if (!force && now - progress.posted < 100)
    return;
  progress.posted = now;
  self.postMessage({ type: "progress", phase: progress.phase, loaded: progress.loaded, total: progress.total });
}

function setPhase(phase) {
  progress.phase = phase;
  report(true);
}

function relative(url) {
  return new URL(url, SITE).href.slice(SITE.href.length).split(/[?#]/)[0];
}

// ファイルを全部読み終えたものとして数える（ストリームで数えなかったもの：キャッシュから、import したもの）
function countWhole(url, size) {
  const name = relative(url);
  if (progress.counted.has(name))
    return;
  progress.counted.add(name);
  progress.loaded += size || (progress.sizes && progress.sizes.files[name]) || 0;
  report();
}

// 読むファイルの大きさの合計：Pyodide の本体（package.json は読まない）、teichaku の wheel、名簿のページでは openpyxl も
function computeTotal() {
  const data = progress.sizes;
  if (!data)
    return;
  const names = Object.keys(data.files).filter(name => name.startsWith("pyodide/") && name !== "pyodide/package.json");
  names.push(data.wheel, ...(progress.xlsx ? data.xlsx_wheels : []));
  progress.total = names.reduce((sum, name) => sum + (data.files[name] || 0), 0);
  report(true);
}

fetchNative(new URL("assets/calc/runtime.json", SITE))
  .then(response => response.ok ? response.json() : null)
  .then(data => {
    if (data && data.files) {
      progress.sizes = { files: data.files, wheel: data.wheel || "", xlsx_wheels: data.xlsx_wheels || [] };
      // pyodide.mjs はこのワーカーが静的に import した：ここに来たときには読み終えている
      countWhole(new URL("pyodide/pyodide.mjs", SITE).href);
      computeTotal();
    }
  })
  .catch(() => {});

// pyodide.asm.mjs は fetch でなく import で読まれる：読み終わったら Resource Timing で知る
if (typeof PerformanceObserver === "function") {
  try {
    new PerformanceObserver(list => {
      for (const entry of list.getEntries())
        if (RUNTIME.test(new URL(entry.name).pathname) && entry.name.endsWith(".mjs"))
          countWhole(entry.name, entry.decodedBodySize);
    }).observe({ type: "resource", buffered: true });
  } catch (error) { /* 数えられなくても動く */ }
}

async function inCache(url) {
  try {
    return Boolean(self.caches && await self.caches.match(url));
  } catch (error) {
    return false;
  }
}

// 応答の本文を読んだ量を数える：写し（clone）を読んで数え、Pyodide には元の応答をそのまま渡す。本文を JavaScript の
// ストリーム（TransformStream や tee）に通すと、wasm のストリーミングコンパイルがこのワーカーのスレッドを経由して
// 遅くなる（127.0.0.1 で loadPyodide が約0.5〜0.9秒遅かった）。clone はブラウザの中で分かれ、元の本文はそのまま流れる。
function counting(url, response) {
  progress.counted.add(relative(url));
  const reader = response.clone().body.getReader();
  (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done)
        break;
      progress.loaded += value.byteLength;
      report();
    }
  })().catch(() => {});
  return response;
}

// 先に読み始めるもの：loadPyodide は pyodide.asm.mjs を読み終えてから wasm と標準ライブラリを要求するため、遅い回線では
// その間、回線が空く（issue 11：1.5 Mbps で約6秒）。ここで要求を始め、Pyodide の同じ URL の fetch にはこの応答を渡す
// （各1回）。pyodide.asm.mjs の import も先に始める（同じ URL なので Pyodide の import と同じモジュールになる）。
// 標準ライブラリ（python_stdlib.zip）は wasm を受け取り終えてから要求する：回線を先に wasm に使わせ、wasm のコンパイル
// （受け取りながら進む）を標準ライブラリの受信と重ねる（遅い回線と遅い CPU で、最後のバイトの後に残る仕事が減る）。
const PYODIDE_URL = new URL("pyodide/", SITE).href;
const WASM = `${PYODIDE_URL}pyodide.asm.wasm`;
const STDLIB = `${PYODIDE_URL}python_stdlib.zip`;
const early = new Map();
let wasmReceived = null;
early.set(WASM, fetchNative(WASM).then(response => {
  // 写しを読み切って、受け取り終えた時を知る（元の応答は Pyodide にそのまま渡す）
  if (response.ok && response.body)
    wasmReceived = response.clone().body.pipeTo(new WritableStream());
  return response;
}));
early.set(STDLIB, early.get(WASM).then(() => wasmReceived).catch(() => {}).then(() => fetchNative(STDLIB)));
early.set(`${PYODIDE_URL}pyodide-lock.json`, fetchNative(`${PYODIDE_URL}pyodide-lock.json`));
for (const started of early.values())
  started.catch(() => {});  // 失敗は、Pyodide がこの応答を受け取るところ（下の fetch）で知らせる
import(`${PYODIDE_URL}pyodide.asm.mjs`).catch(() => {});  // 失敗は Pyodide の import が知らせる

function takeEarly(url) {
  const started = early.get(url);
  early.delete(url);
  return started;
}

// 読み込みの失敗を見逃さない：Pyodide は wasm の取得に失敗すると警告を出したまま待ち続けるため、
// このワーカーの fetch を包み、失敗（通信の失敗や 404）をすぐ「失敗」として知らせる。
self.fetch = async (input, init) => {
  const url = String(input && input.url || input);
  try {
    const tracked = RUNTIME.test(new URL(url, SITE).pathname);
    const cached = tracked && await inCache(url);
    const response = await (takeEarly(url) || fetchNative(input, init));
    if (!response.ok)
      fail(`${url.split("/").pop()} を読み込めません（${response.status}）`);
    if (!tracked || !response.ok)
      return response;
    if (cached || !response.body) {
      countWhole(url);
      return response;
    }
    return counting(url, response);
  } catch (error) {
    fail(`${url.split("/").pop()} を読み込めません（${error && error.message || error}）`);
    throw error;
  }
};

function fail(message) {
  if (failed || web)
    return;
  failed = message;
  self.postMessage({ type: "failed", message });
}

// ビルドの情報（wheel の名前）：一度だけ読む
let manifestPromise = null;
function manifest() {
  manifestPromise = manifestPromise || fetch(new URL("assets/calc/build.json", SITE)).then(response => response.json());
  return manifestPromise;
}

async function fetchWheel() {
  const { wheel } = await manifest();
  const response = await fetch(new URL(wheel, SITE));
  if (!response.ok)
    throw new Error(`wheel を読み込めません（${response.status}）`);
  return { name: wheel, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function boot() {
  const started = performance.now();
  // Pyodide の起動と、teichaku の wheel の取得を並行して行う
  const wheel = fetchWheel();
  const indexURL = PYODIDE_URL;
  const pyodide = await loadPyodide({ indexURL, packageBaseUrl: indexURL, stdout: () => {}, stderr: () => {} });
  const booted = performance.now();
  const { name, bytes } = await wheel;
  setPhase("rules");
  // site-packages に wheel として入れる（dist-info も入り、importlib.metadata で版が分かる）
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  const fetched = performance.now();
  pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
  const unpacked = performance.now();
  web = pyodide.pyimport("teichaku.interfaces.web");
  const imported = performance.now();
  // ベンチマーク用（scripts/bench_calculators.py）：各段階の終わりの時刻（エポックからの ms。ページの時刻と比べられる）
  const at = ms => performance.timeOrigin + ms;
  const marks = { worker: at(0), boot: at(started), pyodide: at(booted), wheel: at(fetched), unpacked: at(unpacked), imported: at(imported) };
  return { pyodide, timings: { pyodide: booted - started, teichaku: imported - booted, version: pyodide.version, wheel: name, marks } };
}

const booting = boot();
let xlsxReady = null;

// 名簿の Excel ファイルを読むための openpyxl（と et_xmlfile）の wheel：名簿のページで初めて使うときに入れる
async function ensureXlsx() {
  if (!xlsxReady) {
    xlsxReady = (async () => {
      const { pyodide } = await booting;
      const { xlsx_wheels: wheels } = await manifest();
      setPhase("xlsx");
      const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
      for (const name of wheels) {
        const response = await fetch(new URL(name, SITE));
        if (!response.ok)
          throw new Error(`${name} を読み込めません（${response.status}）`);
        pyodide.unpackArchive(new Uint8Array(await response.arrayBuffer()), "wheel", { extractDir: sitePackages });
      }
    })();
  }
  return xlsxReady;
}

// 算定根拠書の QR コード：segno の wheel（build.json の qr_wheels）を、初めて印刷するときに入れる
let qrReady = null;
function ensureQr() {
  qrReady = qrReady || (async () => {
    const { pyodide } = await booting;
    const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
    for (const name of (await manifest()).qr_wheels || []) {
      const response = await fetch(new URL(name, SITE));
      if (!response.ok)
        throw new Error(`${name} を読み込めません（${response.status}）`);
      pyodide.unpackArchive(new Uint8Array(await response.arrayBuffer()), "wheel", { extractDir: sitePackages });
    }
  })();
  return qrReady;
}

self.addEventListener("message", async event => {
  const message = event.data || {};
  if (message.type === "qr") {
    try {
      await ensureQr();
      self.postMessage({ type: "qr", id: message.id, svg: web.qr_svg(message.text) });
    } catch (error) {
      qrReady = null;  // 次の印刷でもう一度試す
      self.postMessage({ type: "qr", id: message.id, error: String(error && error.message || error) });
    }
    return;
  }
  if (message.type === "init") {
    if (failed)
      self.postMessage({ type: "failed", message: failed });  // ページが聞き始める前に失敗していた
    if (message.xlsx) {
      progress.xlsx = true;
      computeTotal();
    }
    try {
      const { timings } = await booting;
      if (message.xlsx)
        await ensureXlsx();  // 名簿のページ：ファイルを読む前に入れておく（読む間は何も要求しない）
      self.postMessage({ type: "ready", timings });
    } catch (error) {
      fail(String(error && error.message || error));
    }
    return;
  }
  if (message.type === "export") {
    try {
      const { pyodide } = await booting;
      await ensureXlsx();
      const data = pyodide.toPy(message.file);
      const bytes = web.roster_export(JSON.stringify(message.inputs), data, message.format);
      const out = bytes.toJs();
      bytes.destroy();
      data.destroy && data.destroy();
      self.postMessage({ type: "export", format: message.format, bytes: out });
    } catch (error) {
      self.postMessage({ type: "export", format: message.format, error: String(error && error.message || error) });
    }
    return;
  }
  if (message.type === "run") {
    try {
      const { pyodide } = await booting;
      const started = performance.now();
      let result;
      if (message.file) {
        if (message.file[0] === 0x50 && message.file[1] === 0x4b)  // "PK"：Excel（zip）
          await ensureXlsx();
        const data = pyodide.toPy(message.file);
        try {
          result = JSON.parse(web.run_bytes(message.kind, JSON.stringify(message.inputs), data));
        } finally {
          data.destroy && data.destroy();
        }
      } else {
        result = JSON.parse(web.run_json(message.kind, JSON.stringify(message.inputs)));
      }
      self.postMessage({ type: "result", id: message.id, result, ms: performance.now() - started });
    } catch (error) {
      self.postMessage({ type: "result", id: message.id, ms: 0, result: {
        ok: false, kind: message.kind,
        errors: [{ field: null, index: null, label: "計算", message: `計算できませんでした：${error && error.message || error}` }],
      } });
    }
  }
});
