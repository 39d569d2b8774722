/*
 * ビルドの一部（calculator/teichaku_site/bundle.py の add_bytecode が Node.js で実行する）：サイトと同じ Pyodide
 * （node_modules/pyodide、Python 3.14）で teichaku の wheel を展開し、`import teichaku.interfaces.web` が読み込むモジュールだけを
 * バイトコード（__pycache__/*.cpython-314.pyc）にして OUT_DIR に書く。ブラウザでは最初の結果の前に
 * teichaku.interfaces.web を import するので、その分のコンパイル（Python のソースから）を省ける（issue 11）。
 * pyc は unchecked-hash（PEP 552）：展開したファイルの時刻が変わっても使われる（wheel の中のソースと同時に作るもの）。
 *
 * 使い方：node bytecode.mjs PYODIDE_DIR WHEEL OUT_DIR   標準出力：書いたファイル（wheel の中のパス）の JSON 配列
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

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
