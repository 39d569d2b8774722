// 研修のページ（docs/training/、calculator/teichaku_site/training.py）：QR コードを、このページを開いたアドレスから描く。
// サイトを置くアドレスはビルドの時には分からない（どこに置かれても動く静的サイト）。ページを開いたブラウザは自分の
// アドレスを知っているので、「計算機で開く」のリンク（ページからの相対パス）をそのアドレスで絶対 URL にし、その QR コードを
// SVG で描く（figure.training-qr[data-qr-draw]）。印刷にもそのまま出る。QR コードの符号化は vendor/qrcodegen
// （Project Nayuki の QR Code generator、MIT）。ビルドの時にアドレスを指定したサイトでは、QR コードはビルドの時に
// 描いてあり（data-qr-draw なし）、ここでは何もしない。
import qrcodegen from "./vendor/qrcodegen/qrcodegen.js";

const SVG = "http://www.w3.org/2000/svg";
const BORDER = 4;  // QR コードの周りの余白（モジュール）：規格の最小

// スマートフォンからは開けないアドレス（このコンピューターの中だけ、ファイル）
function localOnly(url) {
  return url.protocol === "file:" || /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
}

function draw(figure) {
  const link = figure.closest(".training-try")?.querySelector("a.training-open");
  if (!link) return;
  const url = new URL(link.getAttribute("href"), location.href);
  const text = url.href;
  const code = qrcodegen.QrCode.encodeText(text, qrcodegen.QrCode.Ecc.MEDIUM);
  const size = code.size + BORDER * 2;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("class", "training-qr-code");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", figure.dataset.qrLabel || "QRコード");
  let d = "";
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (code.getModule(x, y)) d += `M${x + BORDER},${y + BORDER}h1v1h-1z`;
    }
  }
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("class", "training-qr-background");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("class", "training-qr-modules");
  svg.append(background, path);
  figure.prepend(svg);
  figure.querySelector(".training-qr-link").textContent = text;
  figure.dataset.qrLink = text;
  figure.hidden = false;
  return url;
}

const figures = document.querySelectorAll("figure.training-qr[data-qr-draw]");
let local = false;
figures.forEach((figure) => {
  const url = draw(figure);
  if (url && localOnly(url)) local = true;
});
const status = document.querySelector(".training-qr-status[data-qr-draw]");
if (status && figures.length) {
  status.textContent = local
    ? "QRコードについて：このページは、このコンピューターの中だけのアドレス（" + location.host + "）で開かれているため、"
      + "QRコードはスマートフォンからは開けません。受講者に配るときは、サイトを置いたサーバーのアドレスでこのページを開いてください。"
    : "QRコードについて：各QRコードは、いま開いているこのページのアドレス（" + location.host + "）の計算機を、その問題の入力で開きます。";
  status.hidden = false;
}
document.documentElement.dataset.trainingQr = "drawn";
