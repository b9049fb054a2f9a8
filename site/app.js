// Asks the app tier through the same VIP that served this page and shows which host served each hop.
async function ask() {
  const set = (id, text) => { document.getElementById(id).textContent = text; };
  try {
    const response = await fetch('/api/info', { headers: { 'Accept': 'application/json' } });
    set('lb', response.headers.get('X-Served-By-Lb') || '?');
    set('web', response.headers.get('X-Served-By-Web') || '?');
    set('app', response.headers.get('X-Served-By-App') || '?');
    const body = await response.json();
    set('db', body.db ? `${body.db.server_addr} at ${body.db.now}` : `${response.status} ${body.error || ''}`);
  } catch (e) {
    set('db', 'request failed: ' + e);
  }
}
document.getElementById('ask').addEventListener('click', ask);
ask();
