/** The admin token for this browser tab only: sessionStorage, never localStorage, never a URL. */
const KEY = 'tollgate.adminToken';

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  signIn: (token: string): void => sessionStorage.setItem(KEY, token),
  signOut: (): void => sessionStorage.removeItem(KEY),
};
