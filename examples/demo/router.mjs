// A tiny router: one handler per method and path, looked up in a Map. HEAD is answered as GET (node:http
// leaves the body out). A route is for signed-in users unless registered with `{ signedIn: false }`.

export function createRouter() {
  const routes = new Map();
  const add = (method) => (path, handler, { signedIn = true } = {}) => {
    routes.set(`${method} ${path}`, { handler, signedIn });
  };
  return {
    get: add('GET'),
    post: add('POST'),
    /** The route for this method and path, or undefined. */
    find: (method, path) => routes.get(`${method === 'HEAD' ? 'GET' : method} ${path}`),
  };
}
