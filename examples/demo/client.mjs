// The demo's browser script, bundled with the library's `/qr` entry by web/assets.mjs at start-up.
// It shows the frontend use: the server sends only the otpauth URI, the browser draws the QR code.
import { renderQrSvg } from '@inworkjobs/two-factor/qr';

const qr = document.getElementById('qr');
if (qr?.dataset.otpauthUri) {
  // The default size, 4 px a module, keeps every module a whole number of pixels: crisp on screen and for cameras.
  const svg = renderQrSvg(qr.dataset.otpauthUri, {
    title: 'QR code for your authenticator app. If you cannot scan it, use the setup key below.',
  });
  // Parsed as SVG (not innerHTML), so nothing in the markup is ever treated as HTML.
  const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  qr.replaceChildren(document.importNode(parsed, true));
}

const list = document.getElementById('backup-codes');
const download = document.getElementById('download-codes');
const print = document.getElementById('print-codes');
if (list && download && print) {
  const codes = [...list.querySelectorAll('code')].map((code) => code.textContent.trim());
  download.hidden = false;
  print.hidden = false;
  download.addEventListener('click', () => {
    const { issuer, account } = list.dataset;
    const text = [
      `${issuer} backup codes for ${account}`,
      `Saved ${new Date().toISOString().slice(0, 10)}. Each code signs you in once.`,
      '',
      ...codes,
      '',
    ].join('\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'inworkjobs-demo-backup-codes.txt' });
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked on the next task: the download has started by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
  print.addEventListener('click', () => window.print());
}
