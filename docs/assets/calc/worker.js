/*
 * 計算機の Web Worker：同じサイトに置いた Pyodide（npm の pyodide、固定版）を起動し、同じビルドで作った teichaku の
 * wheel を入れて、teichaku.web.run_json を呼ぶ。indexURL と packageBaseUrl はどちらもサイト内の pyodide/ を指すので、
 * 足りないものがあっても CDN には取りに行かず、ここで失敗する。
 */
import { loadPyodide } from "../../pyodide/pyodide.mjs";

const SITE = new URL("../../", import.meta.url);
let web = null;
let failed = false;

// 読み込みの失敗を見逃さない：Pyodide は wasm の取得に失敗すると警告を出したまま待ち続けるため、
// このワーカーの fetch を包み、失敗（通信の失敗や 404）をすぐ「失敗」として知らせる。
const fetchOriginal = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const url = String(input && input.url || input);
  try {
    const response = await fetchOriginal(input, init);
    if (!response.ok)
      fail(`${url.split("/").pop()} を読み込めません（${response.status}）`);
    return response;
  } catch (error) {
    fail(`${url.split("/").pop()} を読み込めません（${error && error.message || error}）`);
    throw error;
  }
};

function fail(message) {
  if (failed || web)
    return;
  failed = true;
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
  const indexURL = new URL("pyodide/", SITE).href;
  const pyodide = await loadPyodide({ indexURL, packageBaseUrl: indexURL, stdout: () => {}, stderr: () => {} });
  const booted = performance.now();
  const { name, bytes } = await wheel;
  // site-packages に wheel として入れる（dist-info も入り、importlib.metadata で版が分かる）
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
  web = pyodide.pyimport("teichaku.web");
  const imported = performance.now();
  return { pyodide, timings: { pyodide: booted - started, teichaku: imported - booted, version: pyodide.version, wheel: name } };
}

const booting = boot();
let xlsxReady = null;

// 名簿の Excel ファイルを読むための openpyxl（と et_xmlfile）の wheel：名簿のページで初めて使うときに入れる
async function ensureXlsx() {
  if (!xlsxReady) {
    xlsxReady = (async () => {
      const { pyodide } = await booting;
      const { xlsx_wheels: wheels } = await manifest();
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

self.addEventListener("message", async event => {
  const message = event.data || {};
  if (message.type === "init") {
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
