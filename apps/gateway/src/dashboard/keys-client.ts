/**
 * The keys page's browser script: plain JS in a template literal (no backticks, no backslashes,
 * `${` only for the values interpolated below), like the usage dashboard's. It signs in with the
 * same tab-scoped key as the dashboard and calls only this gateway's `/tenant` and `/keys` routes.
 */
import { PAGE_API_SCRIPT } from './client.ts';

/** Grace periods offered for a rotation, in seconds (the API takes any up to 7 days). */
export const ROTATION_GRACE_OPTIONS = [0, 60, 3600, 86_400] as const;

export const KEYS_SCRIPT = `
(function () {
  'use strict';
${PAGE_API_SCRIPT}
  var armed = null;

  function when(iso) { return iso ? new Date(iso).toLocaleString() : '–'; }
  function say(text) { setText('keys-status', text); }

  function cell(row, text, header) {
    var el = document.createElement(header ? 'th' : 'td');
    if (header) el.setAttribute('scope', 'row');
    el.textContent = text;
    row.appendChild(el);
    return el;
  }

  function button(label, className, onClick) {
    var b = document.createElement('button');
    b.type = 'button'; b.textContent = label; b.className = className;
    b.addEventListener('click', onClick);
    return b;
  }

  function showSecret(title, key) {
    setText('secret-title', title);
    $('secret-value').value = key.key;
    setText('secret-copied', '');
    $('secret').hidden = false;
    $('secret-value').focus();
    $('secret-value').select();
  }

  function render(keys) {
    var body = $('keys-body');
    while (body.firstChild) body.removeChild(body.firstChild);
    keys.forEach(function (k) {
      var row = document.createElement('tr');
      row.setAttribute('data-key-id', k.id);
      row.setAttribute('data-status', k.status);
      cell(row, k.name, true);
      cell(row, k.prefix).className = 'mono';
      cell(row, k.status);
      cell(row, k.scopes.join(', '));
      cell(row, when(k.createdAt));
      cell(row, when(k.lastUsedAt));
      cell(row, when(k.expiresAt));
      var actions = cell(row, '');
      if (k.status === 'active') {
        actions.appendChild(button('Rotate', 'secondary', function () { rotate(k); }));
        actions.appendChild(button('Revoke', 'danger', function (event) { revoke(k, event.target); }));
      }
      body.appendChild(row);
    });
    $('keys-empty').hidden = keys.length > 0;
  }

  function refresh() {
    return api('GET', '/keys').then(function (data) { render(data.keys); });
  }

  function rotate(k) {
    var grace = Number($('grace').value);
    api('POST', '/keys/' + encodeURIComponent(k.id) + '/rotate', { gracePeriodSeconds: grace }).then(function (key) {
      showSecret('New secret for ' + key.name + (grace > 0 ? ' (the old one works ' + $('grace').selectedOptions[0].textContent + ' more)' : ''), key);
      say('Rotated ' + key.name + '.');
      return refresh();
    }).catch(function (error) { say('Could not rotate: ' + error.message); });
  }

  /** Revoking takes a second click on the same button: no dialog, and no revocation by a slip. */
  function revoke(k, el) {
    if (armed !== el) {
      if (armed) armed.textContent = 'Revoke';
      armed = el; el.textContent = 'Confirm revoke';
      say('Click "Confirm revoke" to revoke ' + k.name + '. It stops working within seconds.');
      return;
    }
    armed = null;
    api('DELETE', '/keys/' + encodeURIComponent(k.id)).then(function () {
      say('Revoked ' + k.name + '.');
      return refresh();
    }).catch(function (error) { say('Could not revoke: ' + error.message); });
  }

  function scopes(granted) {
    var box = $('scopes');
    while (box.firstChild) box.removeChild(box.firstChild);
    granted.filter(function (s) { return s !== 'admin' && s !== 'keys'; }).concat(granted.filter(function (s) { return s === 'keys' || s === 'admin'; })).forEach(function (scope) {
      var label = document.createElement('label');
      var input = document.createElement('input');
      input.type = 'checkbox'; input.name = 'scope'; input.value = scope; input.checked = scope === 'chat';
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + scope));
      box.appendChild(label);
    });
  }

  $('create').addEventListener('submit', function (event) {
    event.preventDefault();
    var chosen = Array.prototype.map.call(document.querySelectorAll('input[name=scope]:checked'), function (i) { return i.value; });
    var body = { name: $('key-name').value.trim(), scopes: chosen };
    if ($('key-expiry').value) body.expiresAt = new Date($('key-expiry').value + 'T23:59:59Z').toISOString();
    setText('create-error', '');
    api('POST', '/keys', body).then(function (key) {
      showSecret('Secret of ' + key.name, key);
      $('key-name').value = '';
      say('Created ' + key.name + '.');
      return refresh();
    }).catch(function (error) { setText('create-error', error.message); });
  });

  $('secret-copy').addEventListener('click', function () {
    var value = $('secret-value').value;
    var done = function () { setText('secret-copied', 'Copied.'); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).then(done, function () {
        $('secret-value').select(); document.execCommand('copy'); done();
      });
    } else { $('secret-value').select(); document.execCommand('copy'); done(); }
  });
  $('secret-done').addEventListener('click', function () {
    $('secret-value').value = '';
    $('secret').hidden = true;
  });

  var session = signIn('keys', start);

  function start() {
    session.show(true);
    say('Loading…');
    api('GET', '/tenant').then(function (me) {
      setText('tenant-name', me.tenant.name + ' · key ' + me.key.label);
      scopes(me.key.scopes);
      return refresh();
    }).then(function () { say(''); }).catch(function (error) {
      if (error.status === 401) { session.signOut('That key was not accepted: ' + error.message); return; }
      say(error.status === 403 ? 'This key may not manage keys (it needs the keys or admin scope).' : 'Could not load: ' + error.message);
    });
  }

  session.begin();
})();
`;
