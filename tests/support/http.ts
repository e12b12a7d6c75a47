/** A small HTTP client that keeps its cookie, like one browser profile. */
export class HttpClient {
  cookie = '';

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const [name, value] = pair!.split('=');
      if (name === 'hearth_session') this.cookie = value ? `${name}=${value}` : '';
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the test looks at `text`.
    }
    return { status: response.status, json: json as any, text, headers: response.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body: unknown = {}) {
    return this.request('POST', path, body);
  }

  /** The same browser profile, pointed at another node behind the load balancer. */
  at(baseUrl: string): HttpClient {
    const other = new HttpClient(baseUrl);
    other.cookie = this.cookie;
    return other;
  }
}
