/** One line of the chart: a run's steps as (delivered copies per second, fan-out p99 in ms). */
export type Series = { label: string; points: Array<{ x: number; y: number }>; knee: { x: number; y: number } | null };

const colours = ['#4c6a92', '#8aa4c8', '#b5562b', '#e0a071', '#4f7a4a'];
const width = 820;
const height = 500;
const margin = { left: 70, right: 210, top: 40, bottom: 60 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Fan-out p99 against delivered load, one line per run, on a log scale of milliseconds, with
 * the 100 ms line the knee is judged by. Plain SVG, readable without any script.
 */
export function latencyChart(series: Series[], title: string): string {
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const maxX = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.x))) * 1.05;
  const xStep = niceStep(maxX / 6);
  const minY = 1;
  const maxY = Math.max(1000, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const x = (value: number) => margin.left + (value / maxX) * plotW;
  const y = (value: number) => {
    const v = Math.min(Math.max(value, minY), maxY);
    return margin.top + plotH - (Math.log10(v / minY) / Math.log10(maxY / minY)) * plotH;
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" fill="#222">${escape(title)}</text>`,
  );
  for (let value = 0; value <= maxX; value += xStep) {
    parts.push(
      `<line x1="${x(value)}" y1="${margin.top}" x2="${x(value)}" y2="${margin.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(value)}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#555">${value.toLocaleString('en')}</text>`,
    );
  }
  for (let value = minY; value <= maxY; value *= 10) {
    parts.push(
      `<line x1="${margin.left}" y1="${y(value)}" x2="${margin.left + plotW}" y2="${y(value)}" stroke="#eee"/>`,
      `<text x="${margin.left - 8}" y="${y(value) + 4}" text-anchor="end" fill="#555">${value} ms</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" y1="${y(100)}" x2="${margin.left + plotW}" y2="${y(100)}" stroke="#b00" stroke-dasharray="6 4"/>`,
    `<text x="${margin.left + plotW - 4}" y="${y(100) - 6}" text-anchor="end" fill="#b00">p99 = 100 ms</text>`,
    `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 18}" text-anchor="middle" fill="#222">message copies delivered per second</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">fan-out latency, p99</text>`,
  );
  series.forEach((s, index) => {
    const colour = colours[index % colours.length];
    const points = s.points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of s.points) parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${colour}"/>`);
    if (s.knee) {
      parts.push(
        `<circle cx="${x(s.knee.x).toFixed(1)}" cy="${y(s.knee.y).toFixed(1)}" r="7" fill="none" stroke="${colour}" stroke-width="2"/>`,
      );
    }
    const ly = margin.top + 10 + index * 22;
    const lx = margin.left + plotW + 20;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${lx + 30}" y="${ly + 4}" fill="#222">${escape(s.label)}</text>`,
    );
  });
  parts.push(
    `<text x="${margin.left + plotW + 20}" y="${margin.top + 10 + series.length * 22 + 10}" fill="#555">circle: the knee</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}
