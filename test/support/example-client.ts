// A browser's share of HTTP for the example apps' end-to-end tests: a cookie jar that records each cookie's
// attributes as the server set them (for the tests to check), form posts that carry what a browser's would
// (the page's CSRF field, an Origin header), and manual redirects so every status is seen.
export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names in lower case → value (`true` for a flag such as HttpOnly). */
  attributes: Record<string, string | true>;
}

export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
  setCookies: SetCookie[];
}

/** Parses one Set-Cookie header value (the test's own reading; the apps use their frameworks'). */
function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=');
    attributes[key.toLowerCase()] = value.length ? value.join('=') : true;
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

/** The text of the first role="alert" element, entities of the apps' escapers decoded. */
export function alertOf(html: string): string | null {
  const m = /role="alert"[^>]*>([^<]*)</.exec(html);
  return m ? decode(m[1]!) : null;
}

export const decode = (text: string): string =>
  text.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export class Client {
  readonly jar = new Map<string, SetCookie>();
  /** The CSRF field of the last page, sent with the next form as a browser would. */
  private csrf: string | null = null;

  /** `headers` go with every request; an `origin` among them replaces the base URL's as the forms' Origin. */
  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  cookie(name: string): SetCookie | undefined {
    return this.jar.get(name);
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.request('GET', path, undefined, headers);
  }

  /** Posts a form from this site (Origin, and the last page's CSRF field unless `fields._csrf` is given). */
  async post(path: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Page> {
    const body = new URLSearchParams({ ...(this.csrf ? { _csrf: this.csrf } : {}), ...fields });
    return this.request('POST', path, body, { origin: this.headers.origin ?? this.base, 'content-type': 'application/x-www-form-urlencoded', ...headers });
  }

  /** Follows a 30x to its page (GET), as a browser does after a form post. */
  async follow(page: Page): Promise<Page> {
    if (page.status < 300 || page.status >= 400 || !page.location) throw new Error(`not a redirect: ${page.status}`);
    return this.get(page.location);
  }

  private async request(method: string, path: string, body: URLSearchParams | undefined, headers: Record<string, string>): Promise<Page> {
    const cookie = [...this.jar.values()].map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await fetch(new URL(path, this.base), {
      method,
      body,
      redirect: 'manual',
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...headers },
    });
    const setCookies = response.headers.getSetCookie().map(parseSetCookie);
    for (const c of setCookies) {
      const expires = typeof c.attributes.expires === 'string' ? Date.parse(c.attributes.expires) : NaN;
      const gone = c.value === '' || c.attributes['max-age'] === '0' || expires < Date.now();
      if (gone) this.jar.delete(c.name);
      else this.jar.set(c.name, c);
    }
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]*)"/.exec(html);
    if (csrf) this.csrf = decode(csrf[1]!);
    return { status: response.status, html, location: response.headers.get('location'), headers: response.headers, setCookies };
  }
}
