/** Served at / when the console has not been built. */
export function placeholderPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sensegrid</title>
<style>body{font:15px system-ui;background:#0b1220;color:#dbe4f3;margin:3rem}
code{background:#1b2740;padding:.1rem .3rem;border-radius:3px}a{color:#7fb3ff}</style></head>
<body><h1>sensegrid</h1>
<p>The gateway is running, but the console has not been built.</p>
<p>Build it with <code>npm run build -w @sensegrid/dashboards</code> and reload, or use the API:
<a href="/api/health">/api/health</a>, <a href="/api/devices">/api/devices</a>,
<a href="/metrics">/metrics</a>.</p></body></html>`;
}
