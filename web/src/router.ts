// Hash routes of the one-page dashboard: #/ , #/pot/<id> and #/profil.

export type Route =
  | { name: 'pots' }
  | { name: 'pot'; id: string }
  | { name: 'profile' }
  | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/') return { name: 'pots' };
  if (path === '/profil') return { name: 'profile' };

  const pot = /^\/pot\/([^/]+)$/.exec(path);
  if (pot?.[1]) {
    try {
      return { name: 'pot', id: decodeURIComponent(pot[1]) };
    } catch {
      return { name: 'notFound', path };
    }
  }
  return { name: 'notFound', path };
}
