/*
 * ビルドの一部（calculator/teichaku_site/bundle.py の add_bytecode が Node.js で実行する）：サイトと同じ Pyodide
 * （node_modules/pyodide、Python 3.14）で teichaku の wheel を展開し、`import teichaku.interfaces.web` が読み込むモジュールだけを
 * バイトコード（__pycache__/*.cpython-314.pyc）にして OUT_DIR に書く。ブラウザでは最初の結果の前に
 * teichaku.interfaces.web を import するので、その分のコンパイル（Python のソースから）を省ける（issue 11）。
 * pyc は unchecked-hash（PEP 552）：展開したファイルの時刻が変わっても使われる（wheel の中のソースと同時に作るもの）。
 *
 * 使い方：node bytecode.mjs PYODIDE_DIR WHEEL OUT_DIR   標準出力：書いたファイル（wheel の中のパス）の JSON 配列
 *
 * もう一つの使い方（issue 17、サイトの標準ライブラリ）：node bytecode.mjs --stdlib PYODIDE_DIR OUT_ZIP WHEEL...
 * 同じ Pyodide に wheel をすべて入れ、計算機・名簿・QR の使うモジュールを import し、名簿のテンプレートを作って
 * 読み直し、日本語の文字コードを使ってから、標準ライブラリの zip（python_stdlib.zip）から読み込まれたモジュール
 * だけをバイトコード（unchecked-hash の pyc、ソースなし）にして OUT_ZIP に書く。ブラウザはこれを stdLibURL として
 * 読み、標準ライブラリのソースのコンパイルを省く（Pyodide の起動の大半）。ここにないモジュールが要るときは、
 * worker.js が Pyodide の python_stdlib.zip 全体をその場で読み込む。標準出力：入れたモジュールの名前の JSON 配列
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

if (process.argv[2] === "--stdlib") {
  await siteStdlib(...process.argv.slice(3));
  process.exit(0);
}

const [pyodideDir, wheelPath, outDir] = process.argv.slice(2);
const indexURL = pyodideDir.endsWith(path.sep) ? pyodideDir : pyodideDir + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: message => process.stderr.write(message + "\n") });
const root = "/teichaku-wheel";
pyodide.FS.mkdirTree(root);
pyodide.unpackArchive(new Uint8Array(fs.readFileSync(wheelPath)), "wheel", { extractDir: root });
const written = JSON.parse(pyodide.runPython(`
import importlib.util, json, os, py_compile, sys
sys.path.insert(0, ${JSON.stringify(root)})
sys.dont_write_bytecode = True
import teichaku.interfaces.web  # noqa: F401  最初の結果までに読み込むもの
written = []
for name, module in sorted(sys.modules.items()):
    if name != "teichaku" and not name.startswith("teichaku."):
        continue
    source = module.__file__
    target = importlib.util.cache_from_source(source)
    py_compile.compile(source, cfile=target, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    written.append(os.path.relpath(target, ${JSON.stringify(root)}))
json.dumps(written)
`));
for (const name of written) {
  const target = path.join(outDir, ...name.split("/"));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, pyodide.FS.readFile(`${root}/${name}`));
}
process.stdout.write(JSON.stringify(written));

async function siteStdlib(pyodideDir, outZip, ...wheels) {
  const indexURL = pyodideDir.endsWith(path.sep) ? pyodideDir : pyodideDir + path.sep;
  const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: message => process.stderr.write(message + "\n") });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const wheel of wheels)
    pyodide.unpackArchive(new Uint8Array(fs.readFileSync(wheel)), "wheel", { extractDir: sitePackages });
  const names = JSON.parse(pyodide.runPython(`
import importlib, io, json, pkgutil, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def import_all(package):
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if found.name.rsplit(".", 1)[-1] in ("__main__",):
            continue
        try:
            importlib.import_module(found.name)
        except Exception:
            pass  # 任意の依存のないモジュールなど

for name in ("teichaku", "openpyxl", "et_xmlfile", "segno"):
    try:
        import_all(importlib.import_module(name))
    except ImportError:
        pass
# 名簿：テンプレートを作って openpyxl で読み直す（読み書きの途中で import するもの）
try:
    from teichaku.interfaces import roster
    import openpyxl
    roster.template_csv()
    book = openpyxl.load_workbook(io.BytesIO(roster.template_xlsx()))
    for sheet in book.worksheets:
        list(sheet.iter_rows(values_only=True))
except Exception as error:
    print("roster warm-up:", error, file=sys.stderr)
for codec in ("utf-8", "utf-8-sig", "cp932", "shift_jis", "euc_jp", "iso2022_jp", "utf-16", "latin-1", "ascii"):
    "就労".encode(codec, errors="replace").decode(codec, errors="replace")

archive = sys.path[next(i for i, entry in enumerate(sys.path) if entry.endswith(".zip"))]
written = []
out = io.BytesIO()
with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
    present = set(source.namelist())
    for name, module in sorted(sys.modules.items()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if not origin.startswith(archive + "/") or not origin.endswith(".py"):
            continue
        inner = origin[len(archive) + 1:]
        if inner not in present:
            continue
        data = source.read(inner)
        code = compile(data, origin, "exec", dont_inherit=True)
        info = zipfile.ZipInfo(inner[:-3] + ".pyc", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(info, bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)))
        written.append(name)
    # 元の zip にあるモジュールの名前（worker.js の FALLBACK_FINDER が、元の zip を読み込むかを決める）
    modules = sorted({name[:-3].replace("/", ".").removesuffix(".__init__") for name in present if name.endswith(".py")})
    index = ("NAMES = frozenset(" + repr(modules) + ")").encode("utf-8")
    info = zipfile.ZipInfo("_site_stdlib_index.pyc", date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    code = compile(index, archive + "/_site_stdlib_index.py", "exec", dont_inherit=True)
    target.writestr(info, bytes(_code_to_hash_pyc(code, importlib.util.source_hash(index), checked=False)))
open("/site-stdlib.zip", "wb").write(out.getvalue())
json.dumps(written)
`));
  fs.writeFileSync(outZip, pyodide.FS.readFile("/site-stdlib.zip"));
  process.stdout.write(JSON.stringify(names));
}
