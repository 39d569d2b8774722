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
 *
 * 2回目からの訪問（issue 17）：Pyodide のメモリのスナップショット（makeMemorySnapshot と _loadSnapshot、Pyodide の
 * 非公開の API）から起動する。スナップショットは、最初の結果を送った後、計算を頼まれない間に、このワーカーが別の
 * Web Worker（同じ worker.js を name "teichaku-snapshot" で）に作らせる（計算を頼まれたら止めて、後でやり直す）：新しく起動した Pyodide に wheel（teichaku、名簿の openpyxl、
 * QR の segno）を入れ、計算機と名簿の使うモジュールをすべて import した状態を写し、0 ばかりのページを省いた形
 * （snapshot-format.js：約38 MB → 約21 MB。gzip なら約8 MB だが、その展開が2回目の訪問を約0.13秒遅くした）で
 * Cache Storage の SNAPSHOT_CACHE に、build.json の snapshot_key（Pyodide の版・ビルド ID・wheel と標準ライブラリと
 * 置く形のハッシュ）をパスにした URL で置く。計算しているワーカーは止めず、利用者の入力も写さない（別の Pyodide なので）。
 * 次の訪問では、その鍵の項目があれば _loadSnapshot に渡して起動し、スナップショットに入らないファイル（展開した
 * wheel）を展開し直し、random の種を蒔き直す。復元のどこかで失敗したら（ビルド ID の不一致、壊れた項目、メモリ、
 * 容量）、その項目を消して普通に起動する。スナップショットから起動した Pyodide の計算が例外で終わったときも、
 * 項目を消し、普通に起動し直して同じ計算をやり直す（最適化のために結果を失わない）。
 * サイトのデータを消せば項目も消え、次は普通に起動して作り直す。新しいビルドは鍵が変わるので古い項目を使わず、
 * 新しい項目を置くときに古いものを消す（service worker は SNAPSHOT_CACHE を消さない：文書だけ変わったビルドでは
 * 鍵が同じで、そのまま使える）。
 */
import { loadPyodide } from "../../pyodide/pyodide.mjs";
import { packSnapshot, unpackSnapshot } from "./snapshot-format.js";

const SITE = new URL("../../", import.meta.url);
const RUNTIME = /\/(pyodide|wheels)\/[^/]+$/;
const fetchNative = self.fetch.bind(self);
const PYODIDE_URL = new URL("pyodide/", SITE).href;
// スナップショットを作るワーカー（このファイルを name "teichaku-snapshot" で起動したもの）か、計算するワーカーか
const MAKER = self.name === "teichaku-snapshot";
const SNAPSHOT_CACHE = "teichaku-snapshot";  // Cache Storage の名前（service worker の teichaku-<版> とは別に残る）
let web = null;
let bootMode = "none";  // "none"（普通に起動）、"restored"（スナップショットから）、"failed: …"（復元に失敗して普通に起動）
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
  const skipped = ["pyodide/package.json", relative(FULL_STDLIB)];  // 読まないもの
  const names = Object.keys(data.files).filter(name => name.startsWith("pyodide/") && !skipped.includes(name));
  names.push(data.wheel, ...(progress.xlsx ? data.xlsx_wheels : []));
  progress.total = names.reduce((sum, name) => sum + (data.files[name] || 0), 0);
  report(true);
}

if (!MAKER) fetchNative(new URL("assets/calc/runtime.json", SITE))
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
if (!MAKER && typeof PerformanceObserver === "function") {
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
const WASM = `${PYODIDE_URL}pyodide.asm.wasm`;
// 標準ライブラリ：Pyodide の python_stdlib.zip のうち、このサイトが使うモジュールだけを pyc にした zip（issue 17、
// calculator/teichaku_site/bundle.py の install_site_stdlib）。ソースのコンパイルを省き、読むバイト数も少ない。
// ここにないモジュールが要るときだけ、FULL_STDLIB を読み込む（下の FALLBACK_FINDER）
const STDLIB = `${PYODIDE_URL}python_stdlib_site.zip`;
const FULL_STDLIB = `${PYODIDE_URL}python_stdlib.zip`;
const early = new Map();
let wasmReceived = null;
if (!MAKER) {
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
}

function takeEarly(url) {
  const started = early.get(url);
  early.delete(url);
  return started;
}

// 読み込みの失敗を見逃さない：Pyodide は wasm の取得に失敗すると警告を出したまま待ち続けるため、
// このワーカーの fetch を包み、失敗（通信の失敗や 404）をすぐ「失敗」として知らせる。
if (!MAKER) self.fetch = async (input, init) => {
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

// ---- スナップショット（issue 17）----
function snapshotURL(key) {
  return new URL(`assets/calc/snapshot/${key}`, SITE).href;  // Cache Storage の鍵（このアドレスには何も置かない）
}
const failedURL = url => `${url}.failed`;  // 復元に失敗した鍵の印：同じ鍵では作り直さない

// スナップショットの項目（まだ展開しない応答）。なければ null。build.json を待たずに Cache Storage の項目（多くても
// 1つと、失敗の印だけ）を取り、この版の鍵かどうか（verified）は並行して確かめる：復元を build.json の往復の分だけ
// 早く始める。違う版のもの（新しいビルドの最初の訪問）なら、復元した Pyodide を捨てて普通に起動する
async function findSnapshot() {
  try {
    if (!self.caches)
      return null;
    const cache = await caches.open(SNAPSHOT_CACHE);
    const found = (await cache.keys()).filter(request => !request.url.endsWith(".failed"));
    if (found.length !== 1)
      return null;
    const url = found[0].url;
    const response = await cache.match(url);
    const verified = manifest().then(info => Boolean(info.snapshot_key) && snapshotURL(info.snapshot_key) === url,
                                     () => false);
    return response ? { url, response, verified } : null;
  } catch (error) {
    return null;
  }
}

// 復元できなかった項目を消し、同じ鍵では作り直さない印を残す
async function dropSnapshot(url, reason) {
  try {
    const cache = await caches.open(SNAPSHOT_CACHE);
    await cache.delete(url);
    await cache.put(failedURL(url), new Response(reason, { headers: { "Content-Type": "text/plain; charset=utf-8" } }));
  } catch (error) { /* 消せなくても普通に起動する */ }
}

function pyodideOptions(extra = {}) {
  const indexURL = PYODIDE_URL;
  return { indexURL, packageBaseUrl: indexURL, stdLibURL: STDLIB, stdout: () => {}, stderr: () => {}, ...extra };
}

// スナップショットから起動する。生成された Pyodide のモジュールは loadPyodide が渡す INITIAL_MEMORY を読まず、
// 既定の 30 MB のメモリに大きいスナップショットを書き込めない（pyodide/pyodide#6254）：モジュールを作った後、
// 書き込む前に、メモリをスナップショットの大きさまで広げる（Emscripten の growMemory）。
// （読むのとモジュールを作るのを並行させても、この機械では速くならなかった：2コアで CPU を取り合う）
async function restorePyodide(response) {
  const { default: createPyodideModule } = await import(`${PYODIDE_URL}pyodide.asm.mjs`);
  let heap = 0;
  const snapshot = response.arrayBuffer().then(buffer => unpackSnapshot(new Uint8Array(buffer))).then(bytes => {
    heap = bytes.length - new Uint32Array(bytes.buffer, bytes.byteOffset, 4)[1];  // 見出しの後がメモリ
    return bytes;
  });
  snapshot.catch(() => {});
  return loadPyodide(pyodideOptions({
    _loadSnapshot: snapshot,
    createPyodideModule: async settings => {
      const module = await createPyodideModule(settings);
      if (heap > module.HEAP8.length && !module.growMemory(heap))
        throw new Error(`スナップショット（${heap} バイト）の分のメモリを確保できません`);
      return module;
    },
  }));
}

const sitePackagesOf = pyodide => pyodide.runPython("import site; site.getsitepackages()[0]");

// サイトの標準ライブラリ（STDLIB）にない標準ライブラリのモジュールが import されたら、その時に一度だけ Pyodide の
// 標準ライブラリ全体（FULL_STDLIB）を同期の XMLHttpRequest（Web Worker の中では使える）で読み、探索先の最後に加える。
// 計算の途中の import で結果を失わないため（ふつうは使われない：サイトの zip はビルドで実際に使ったものを集めている）
const FALLBACK_FINDER = `
import sys

class FullStdlibFinder:
    url = ${JSON.stringify(FULL_STDLIB)}
    path = "/lib/python_stdlib_full.zip"
    mounted = False

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        from _site_stdlib_index import NAMES  # 元の zip にあるモジュール（bytecode.mjs が書く）
        if name not in NAMES:
            return None  # 元の zip にもないもの（_hashlib のような、Pyodide にない拡張モジュールなど）
        if not cls.mounted:
            from js import XMLHttpRequest
            request = XMLHttpRequest.new()
            request.open("GET", cls.url, False)
            request.responseType = "arraybuffer"
            request.send(None)
            if request.status != 200:
                return None
            with open(cls.path, "wb") as out:
                out.write(request.response.to_bytes())
            cls.mounted = True
        import importlib.machinery
        parent = name.rpartition(".")[0]
        where = cls.path + ("/" + parent.replace(".", "/") if parent else "")
        return importlib.machinery.PathFinder.find_spec(name, [where])

sys.meta_path.append(FullStdlibFinder)
sys.modules["_teichaku_full_stdlib"] = FullStdlibFinder
`;

// 一度の起動：スナップショットの項目があればそこから（失敗すれば投げる）、なければ普通に
async function bootOnce(wheel, entry) {
  const started = performance.now();
  const pyodide = entry ? await restorePyodide(entry.response) : await loadPyodide(pyodideOptions());
  const booted = performance.now();
  const { name, bytes } = await wheel;
  setPhase("rules");
  // site-packages に wheel として入れる（dist-info も入り、importlib.metadata で版が分かる）。スナップショットの
  // メモリにはファイルが入らないので、復元したときも展開し直す（import 済みのモジュールはメモリにあり、データの
  // ファイルやまだ import していないモジュールはこのファイルから読む）
  if (!entry)  // 復元したものには、スナップショットの中に入っている
    pyodide.runPython(FALLBACK_FINDER);
  const sitePackages = sitePackagesOf(pyodide);
  const fetched = performance.now();
  if (!entry) {
    pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
  } else {
    // 復元したとき：モジュールはすべて import 済み（メモリにある）なので、pyc を除いて展開し直す（約半分の時間）。
    // 復元した乱数の状態は毎回同じ：種を蒔き直す。ファイルを置き直した site-packages の探索のキャッシュも捨てる
    // （importlib.invalidate_caches() は標準ライブラリの zip の目録も読み直させ、約1秒遅くなる）
    pyodide.FS.writeFile("/tmp/teichaku.whl", bytes);
    pyodide.runPython(`import random, sys, zipfile
with zipfile.ZipFile("/tmp/teichaku.whl") as wheel:
    wheel.extractall(${JSON.stringify(sitePackages)}, [name for name in wheel.namelist() if not name.endswith(".pyc")])
random.seed()
for path, finder in list(sys.path_importer_cache.items()):
    if path.startswith(${JSON.stringify(sitePackages)}) and finder is not None:
        finder.invalidate_caches()`);
    pyodide.FS.unlink("/tmp/teichaku.whl");
  }
  const unpacked = performance.now();
  const module = pyodide.pyimport("teichaku.interfaces.web");
  const imported = performance.now();
  // ベンチマーク用（scripts/bench_calculators.py）：各段階の終わりの時刻（エポックからの ms。ページの時刻と比べられる）
  const at = ms => performance.timeOrigin + ms;
  const marks = { worker: at(0), boot: at(started), pyodide: at(booted), wheel: at(fetched), unpacked: at(unpacked), imported: at(imported) };
  return { pyodide, web: module, timings: { pyodide: booted - started, teichaku: imported - booted, version: pyodide.version, wheel: name, marks } };
}

async function boot(useSnapshot = true) {
  // Pyodide の起動と、teichaku の wheel の取得を並行して行う
  const wheel = fetchWheel();
  wheel.catch(() => {});
  const entry = useSnapshot ? await findSnapshot() : null;
  let booted = null;
  if (entry) {
    try {
      const restored = bootOnce(wheel, entry);
      restored.catch(() => {});
      if (await entry.verified) {  // この版の鍵。違えば、その項目は残し（次のスナップショットが置き換える）普通に起動する
        booted = await restored;
        bootMode = "restored";
      }
    } catch (error) {
      bootMode = `failed: ${error && error.message || error}`;
      await dropSnapshot(entry.url, bootMode);
    }
  }
  booted = booted || await bootOnce(wheel, null);
  web = booted.web;
  booted.timings.snapshot = bootMode;
  return booted;
}

// スナップショットから起動した Pyodide が計算の途中で例外を出したら、項目を消して普通に起動し直す（1回だけ）
async function rebootWithoutSnapshot(error) {
  if (bootMode !== "restored")
    return false;
  bootMode = `failed: ${error && error.message || error}`;
  await dropSnapshot(snapshotURL((await manifest()).snapshot_key), bootMode);
  web = null;
  xlsxReady = null;
  qrReady = null;
  booting = boot(false);
  await booting;
  return true;
}

// スナップショットを作るワーカー（MAKER）の中：普通に起動し、wheel をすべて入れ、計算機と名簿の使うモジュールを
// import してから写す。利用者の入力はこの Pyodide に入らない。
const WARM_UP = `
import importlib, pkgutil
import teichaku
for found in pkgutil.walk_packages(teichaku.__path__, "teichaku."):
    if found.name.rsplit(".", 1)[-1] not in ("__main__", "cli"):
        try:
            importlib.import_module(found.name)
        except ImportError:
            pass  # 任意の依存のないモジュール：復元の後、使うときに読む
for name in ("openpyxl", "segno"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
try:
    from teichaku.rules.params import default_parameters
    default_parameters()
except Exception:
    pass
`;

async function makeSnapshot() {
  const started = performance.now();
  const info = await manifest();
  const pyodide = await loadPyodide(pyodideOptions({ _makeSnapshot: true }));
  const buildId = pyodide._api && pyodide._api.config && pyodide._api.config.BUILD_ID;
  if (info.pyodide_build_id && buildId !== info.pyodide_build_id)
    throw new Error(`Pyodide のビルド ID が build.json と違います（${buildId}）`);
  pyodide.runPython(FALLBACK_FINDER);
  const sitePackages = sitePackagesOf(pyodide);
  for (const name of [info.wheel, ...(info.xlsx_wheels || []), ...(info.qr_wheels || [])]) {
    const response = await fetch(new URL(name, SITE));
    if (!response.ok)
      throw new Error(`${name} を読み込めません（${response.status}）`);
    pyodide.unpackArchive(new Uint8Array(await response.arrayBuffer()), "wheel", { extractDir: sitePackages });
  }
  pyodide.runPython(WARM_UP);
  // 標準ライブラリ全体を読み込んだ後のメモリは、そのファイルのない復元先では使えない
  if (pyodide.runPython("import sys; sys.modules['_teichaku_full_stdlib'].mounted"))
    throw new Error("サイトの標準ライブラリにないモジュールを使ったため、スナップショットを作りません");
  const raw = pyodide.makeMemorySnapshot();
  const made = performance.now();
  const packed = new Blob(packSnapshot(raw));
  const cache = await caches.open(SNAPSHOT_CACHE);
  const url = snapshotURL(info.snapshot_key);
  // 古いビルドの項目と印を、新しい項目を置く前に消す：項目は多くても1つ（findSnapshot は1つのときだけ使う）で、
  // 新しい項目が見えたときには古いものはもうない
  for (const request of await cache.keys())
    if (request.url !== url)
      await cache.delete(request);
  await cache.put(url, new Response(packed, { headers: { "Content-Type": "application/octet-stream", "X-Raw-Bytes": String(raw.length) } }));
  return { type: "snapshot", state: "stored", raw: raw.length, bytes: packed.size, make_ms: made - started,
           compress_ms: performance.now() - made };
}

// 計算するワーカーの中：結果を送った後、この版の項目も失敗の印もなければ、別のワーカーに作らせる。計算の邪魔を
// しないように（2コアの端末では CPU を取り合う）、最後の結果から SNAPSHOT_IDLE_MS 何も頼まれなければ始め、作って
// いる間に計算を頼まれたら、そのワーカーを止めて、また手が空くのを待つ（始めるのは SNAPSHOT_TRIES 回まで）
const SNAPSHOT_IDLE_MS = 1500;
const SNAPSHOT_TRIES = 5;
const snapshotState = { timer: null, maker: null, stop: null, tries: 0, done: false };

function keepSnapshot() {
  if (MAKER || snapshotState.done || snapshotState.maker || snapshotState.tries >= SNAPSHOT_TRIES || bootMode !== "none"
      || typeof Worker !== "function" || !self.caches)
    return;
  clearTimeout(snapshotState.timer);
  snapshotState.timer = setTimeout(() => startSnapshot().catch(error => finishSnapshot(
    { type: "snapshot", state: "failed", message: String(error && error.message || error) })), SNAPSHOT_IDLE_MS);
}

// 計算を頼まれた：待っている間なら待ち直し、作っている最中ならそのワーカーを止める（結果の後で keepSnapshot が再開する）
function pauseSnapshot() {
  clearTimeout(snapshotState.timer);
  if (snapshotState.stop)
    snapshotState.stop();
}

function finishSnapshot(outcome) {
  snapshotState.done = outcome.state !== "interrupted";
  self.postMessage(outcome);  // ページ（とテスト・ベンチマーク）への知らせ。ページは知らない種類を無視する
}

async function startSnapshot() {
  const { snapshot_key: key } = await manifest();
  const cache = await caches.open(SNAPSHOT_CACHE);
  const url = key && snapshotURL(key);
  if (!url || await cache.match(url) || await cache.match(failedURL(url))) {
    snapshotState.done = true;
    return;
  }
  snapshotState.tries += 1;
  const maker = new Worker(import.meta.url, { type: "module", name: "teichaku-snapshot" });
  snapshotState.maker = maker;
  const outcome = await new Promise(resolve => {
    snapshotState.stop = () => resolve({ type: "snapshot", state: "interrupted" });
    maker.addEventListener("message", event => resolve(event.data));
    maker.addEventListener("error", event => {
      event.preventDefault();
      resolve({ type: "snapshot", state: "failed", message: String(event.message || "error") });
    });
  });
  maker.terminate();
  snapshotState.maker = null;
  snapshotState.stop = null;
  finishSnapshot(outcome);
}

let booting = null;
if (MAKER)
  makeSnapshot().then(outcome => self.postMessage(outcome),
                      error => self.postMessage({ type: "snapshot", state: "failed", message: String(error && error.message || error) }));
else
  booting = boot();
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

async function run(message) {
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
  return { type: "result", id: message.id, result, ms: performance.now() - started || 0.001 };
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
    pauseSnapshot();
    let answer = null;
    try {
      answer = await run(message);
    } catch (error) {
      try {
        if (await rebootWithoutSnapshot(error))
          answer = await run(message);  // 普通に起動し直した Pyodide で同じ計算をもう一度
      } catch (again) {
        error = again;
      }
      answer = answer || { type: "result", id: message.id, ms: 0, result: {
        ok: false, kind: message.kind,
        errors: [{ field: null, index: null, label: "計算", message: `計算できませんでした：${error && error.message || error}` }],
      } };
    }
    self.postMessage(answer);
    if (answer.ms)
      keepSnapshot();
  }
});
