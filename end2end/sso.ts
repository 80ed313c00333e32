// Addresses of the single-sign-on setup the browser tests start (see playwright.config.ts).
export const sso = {
  console: 'http://127.0.0.1:3918',
  idp: 'http://127.0.0.1:5557',
  emulator: 'http://127.0.0.1:3919',
};
