// The g2rl demo page: plain browser JavaScript, no build step. Sends the picked photo to
// POST /v1/analyze?heatmaps=true and draws, on the photo: each face's 68 landmarks, its
// AU points and the AU heatmaps mapped back through the alignment inverse; beside it a
// bar per AU. `document.body.dataset.state` says idle | busy | done | error (for tests).

const $ = (id) => document.getElementById(id);
const els = {
  drop: $('drop'), file: $('file'), status: $('status'), modelInfo: $('model-info'), result: $('result'),
  canvas: $('canvas'), faces: $('faces'), aligned: $('opt-aligned'), heatmaps: $('opt-heatmaps'),
  token: $('token'), heatmapAu: $('heatmap-au'),
};
let card = null;
let last = null; // { bitmap, analysis, overlays: Map<faceIndex, Map<au, canvas>> }

function setState(state, message = '', isError = false) {
  document.body.dataset.state = state;
  els.status.textContent = message;
  els.status.classList.toggle('error', isError);
}

function headers(extra = {}) {
  const token = els.token.value.trim();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function problemText(response) {
  try {
    const body = await response.json();
    return `${body.title}: ${body.detail}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function loadCard() {
  const response = await fetch('/v1/model', { headers: headers() });
  if (response.status === 503) {
    els.modelInfo.textContent = 'the model is loading…';
    setTimeout(loadCard, 1000);
    return;
  }
  if (!response.ok) {
    els.modelInfo.textContent = `model card: ${await problemText(response)}`;
    return;
  }
  card = await response.json();
  els.modelInfo.textContent = `model: ${card.preset ?? 'g2rl'} · ${card.aus.length} AUs (${card.aus.map((a) => `AU${a}`).join(', ')}) · input ${card.input.size}×${card.input.size} · heatmaps ${card.heatmap.size}×${card.heatmap.size}`;
  els.heatmapAu.replaceChildren(new Option('all AUs', 'all'), ...card.aus.map((au) => new Option(`AU${au}`, String(au))), new Option('none', 'none'));
}

// --- drawing ------------------------------------------------------------------------

/** 2×3 affine [a, b, tx, c, d, ty] composition: first `p`, then `q`. */
function compose(p, q) {
  const [a1, b1, t1, c1, d1, u1] = p;
  const [a2, b2, t2, c2, d2, u2] = q;
  return [a2 * a1 + b2 * c1, a2 * b1 + b2 * d1, a2 * t1 + b2 * u1 + t2, c2 * a1 + d2 * c1, c2 * b1 + d2 * d1, c2 * t1 + d2 * u1 + u2];
}

/**
 * Canvas drawing coordinates put pixel (i, j)'s centre at (j + 0.5, i + 0.5); ours at (j, i).
 * Heatmap pixel → crop pixel: x_c = (x_h + 0.5)·S/H − 0.5; then crop → image by `inverse`.
 */
function heatmapToCanvas(inverse, S, H) {
  const scale = S / H;
  const heatToCrop = [scale, 0, 0.5 * scale - 0.5, 0, scale, 0.5 * scale - 0.5];
  const fromDrawing = [1, 0, -0.5, 0, 1, -0.5];
  const toDrawing = [1, 0, 0.5, 0, 1, 0.5];
  return compose(compose(compose(fromDrawing, heatToCrop), inverse), toDrawing);
}

/** A grey H×W PNG → an orange canvas whose alpha is the heat. */
async function overlayFromPng(base64) {
  const image = new Image();
  image.src = `data:image/png;base64,${base64}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (let p = 0; p < pixels.data.length; p += 4) {
    const v = pixels.data[p];
    pixels.data[p] = 255; pixels.data[p + 1] = 80; pixels.data[p + 2] = 0;
    pixels.data[p + 3] = Math.min(255, v * 1.6);
  }
  ctx.putImageData(pixels, 0, 0);
  return canvas;
}

function dot(ctx, x, y, r, fill) {
  ctx.beginPath();
  ctx.arc(x + 0.5, y + 0.5, r, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
}

function draw() {
  if (!last) return;
  const { bitmap, analysis, overlays } = last;
  const { canvas } = els;
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const unit = Math.max(1.5, Math.min(bitmap.width, bitmap.height) / 320);
  const which = els.heatmapAu.value;
  analysis.faces.forEach((face, f) => {
    const maps = overlays.get(f);
    if (maps && which !== 'none' && card) {
      ctx.save();
      ctx.imageSmoothingEnabled = true;
      ctx.setTransform(...(() => { const [a, b, tx, c, d, ty] = heatmapToCanvas(face.inverse, card.input.size, card.heatmap.size); return [a, c, b, d, tx, ty]; })());
      for (const [au, overlay] of maps) if (which === 'all' || which === String(au)) ctx.drawImage(overlay, 0, 0);
      ctx.restore();
    }
    ctx.strokeStyle = '#ffffffcc';
    ctx.lineWidth = unit;
    ctx.strokeRect(face.box.x, face.box.y, face.box.width, face.box.height);
    for (const [x, y] of face.landmarks ?? []) dot(ctx, x, y, unit * 1.2, '#1c7ed6');
    ctx.font = `${Math.round(unit * 6)}px system-ui, sans-serif`;
    for (const au of face.aus) {
      if (which !== 'all' && which !== 'none' && which !== String(au.au)) continue;
      for (const [x, y] of au.points) dot(ctx, x, y, unit * 1.8, '#d9480f');
    }
    ctx.fillStyle = '#fff';
    ctx.fillText(`face ${f + 1}`, face.box.x + unit * 2, face.box.y - unit * 2);
  });
}

function renderBars(analysis) {
  els.faces.replaceChildren(...analysis.faces.map((face, f) => {
    const section = document.createElement('section');
    section.className = 'face';
    const score = face.score === null ? 'aligned by the client' : `detector score ${face.score.toFixed(2)}`;
    section.innerHTML = `<h2>Face ${f + 1} <small>${score}</small></h2>`;
    for (const au of face.aus) {
      const row = document.createElement('div');
      row.className = 'au';
      row.title = `AU${au.au} ${au.name}: ${au.intensity.toFixed(2)} (points ${au.peaks.map((p) => p.toFixed(2)).join(', ')})`;
      row.innerHTML = `<span class="name">AU${au.au}</span><span class="track"><span class="bar" style="width:${(au.intensity / 5) * 100}%"></span></span><span class="value">${au.intensity.toFixed(2)}</span>`;
      row.dataset.au = String(au.au);
      section.append(row);
    }
    return section;
  }));
}

async function analyze(file) {
  if (!file) return;
  setState('busy', `analysing ${file.name}…`);
  els.result.hidden = true;
  try {
    const query = new URLSearchParams({ heatmaps: String(els.heatmaps.checked), aligned: String(els.aligned.checked) });
    const response = await fetch(`/v1/analyze?${query}`, { method: 'POST', headers: headers({ 'content-type': file.type || 'application/octet-stream' }), body: file });
    if (!response.ok) {
      setState('error', await problemText(response), true);
      return;
    }
    const analysis = await response.json();
    if (!card) await loadCard();
    const bitmap = await createImageBitmap(file);
    const overlays = new Map();
    await Promise.all(analysis.faces.map(async (face, f) => {
      if (!face.heatmaps) return;
      const maps = new Map();
      for (const { au, png } of face.heatmaps) maps.set(au, await overlayFromPng(png));
      overlays.set(f, maps);
    }));
    last = { bitmap, analysis, overlays };
    els.result.hidden = false;
    draw();
    renderBars(analysis);
    const t = analysis.timings;
    setState('done', `${analysis.faces.length} face(s) in ${analysis.width}×${analysis.height} · decode ${t.decode} ms, detect ${t.detect} ms, landmarks ${t.landmarks} ms, align ${t.align} ms, model ${t.model} ms`);
  } catch (error) {
    setState('error', `failed: ${error.message}`, true);
  }
}

els.file.addEventListener('change', () => analyze(els.file.files[0]));
els.heatmapAu.addEventListener('change', draw);
for (const type of ['dragenter', 'dragover']) els.drop.addEventListener(type, (e) => { e.preventDefault(); els.drop.classList.add('over'); });
for (const type of ['dragleave', 'drop']) els.drop.addEventListener(type, (e) => { e.preventDefault(); els.drop.classList.remove('over'); });
els.drop.addEventListener('drop', (e) => analyze(e.dataTransfer.files[0]));
els.drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') els.file.click(); });
els.token.addEventListener('change', loadCard);

// For tests and the curious: the drawing transform and the last analysis.
window.g2rl = { heatmapToCanvas, last: () => last?.analysis ?? null };

setState('idle');
loadCard();
