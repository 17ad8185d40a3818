// Passkey ceremonies on AuthApp's own pages (CSP script-src 'self': this file is the only script they run).
// A button with data-passkey="create" or "get" asks its page for WebAuthn options (data-options, a POST of its form, so
// the antiforgery token and any challenge go along), runs navigator.credentials with the browser's own UI, puts the
// ceremony id and the credential (toJSON()) into the form's passkeyCeremony and passkeyCredential fields, and submits
// the form to data-finish. The server checks everything; nothing here is trusted.
(() => {
  'use strict';

  const show = (button, text) => {
    const alert = document.getElementById('passkey-error');
    if (alert) {
      alert.textContent = text;
      alert.hidden = false;
    }
    button.disabled = false;
  };

  async function run(button) {
    const form = button.form;
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      show(button, 'This browser cannot use passkeys.');
      return;
    }
    button.disabled = true;
    const asked = await fetch(button.dataset.options, { method: 'POST', body: new FormData(form), credentials: 'same-origin' });
    const answer = await asked.json().catch(() => ({}));
    if (!asked.ok) {
      show(button, answer.detail || 'The passkey could not be started. Reload the page and try again.');
      return;
    }
    const credential = button.dataset.passkey === 'create'
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(answer.options) })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(answer.options) });
    form.elements.passkeyCeremony.value = answer.ceremony;
    form.elements.passkeyCredential.value = JSON.stringify(credential.toJSON());
    form.action = button.dataset.finish;
    form.submit();
  }

  document.addEventListener('click', event => {
    const button = event.target.closest('button[data-passkey]');
    if (button) {
      event.preventDefault();
      run(button).catch(error => show(button,
        error && error.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out.' : `Passkey: ${error.message}`));
    }
  });
})();
