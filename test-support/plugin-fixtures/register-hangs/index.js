// register() returns a promise that never settles.
export default {
  id: 'register-hangs',
  register: () => new Promise(() => {}),
};
