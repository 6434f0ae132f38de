/**
 * @module Cloudflare Turnstile for forms that define a site key: the script loads once per page,
 * only when such a form is shown, and renders into light DOM (slot "turnstile") because its iframe
 * must belong to the page's document.
 */
interface TurnstileApi {
  render(
    container: HTMLElement,
    options: {
      sitekey: string;
      callback: (token: string) => void;
      'expired-callback': () => void;
      'error-callback': () => void;
    },
  ): string | undefined;
  reset(widgetId?: string): void;
}

const SCRIPT_URL = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
let loading: Promise<TurnstileApi> | undefined;

function api(): TurnstileApi | undefined {
  return (window as { turnstile?: TurnstileApi }).turnstile;
}

function loadTurnstile(): Promise<TurnstileApi> {
  const ready = api();
  if (ready) return Promise.resolve(ready);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = SCRIPT_URL;
    script.async = true;
    script.onload = () => {
      const loaded = api();
      if (loaded) resolve(loaded);
      else reject(new Error('Turnstile did not load'));
    };
    script.onerror = () => reject(new Error('Turnstile did not load'));
    document.head.append(script);
  });
  return loading;
}

/** One element's Turnstile widget and its current token. */
export class Turnstile {
  #api: TurnstileApi | undefined;
  #widgetId: string | undefined;
  #token: string | undefined;
  #slotted: HTMLElement | undefined;
  readonly #host: HTMLElement;

  constructor(host: HTMLElement) {
    this.#host = host;
  }

  async mount(siteKey: string): Promise<void> {
    if (this.#slotted) return;
    const slotted = document.createElement('div');
    slotted.slot = 'turnstile';
    this.#host.append(slotted);
    this.#slotted = slotted;
    const forget = () => {
      this.#token = undefined;
    };
    try {
      this.#api = await loadTurnstile();
      this.#widgetId = this.#api.render(slotted, {
        sitekey: siteKey,
        callback: (token) => {
          this.#token = token;
        },
        'expired-callback': forget,
        'error-callback': forget,
      });
    } catch {
      // Without the script the relay answers bot_check_failed, which the consumer sees as an error.
    }
  }

  /** The token, spent: Turnstile accepts each once, so the widget asks for a fresh one. */
  spend(): string | undefined {
    const token = this.#token;
    if (token) {
      this.#token = undefined;
      this.#api?.reset(this.#widgetId);
    }
    return token;
  }
}
