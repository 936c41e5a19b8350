// The two parts of undici the transport needs, imported on their own: undici's index loads
// all of it (fetch, WebSocket, caches, mocks), and touching `globalThis.Headers` on the way
// makes Node load its own bundled copy of undici too, 100 ms or more of start-up per run.

declare module "undici/lib/dispatcher/agent.js" {
  import { Agent } from "undici";
  export = Agent;
}

declare module "undici/lib/dispatcher/pool.js" {
  import { Pool } from "undici";
  export = Pool;
}

declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici";

  // undici's index mixes this into `Dispatcher.prototype` as `request`; on its own it is called
  // with the dispatcher as `this`.
  function request(
    this: Dispatcher,
    options: Dispatcher.RequestOptions,
  ): Promise<Dispatcher.ResponseData>;
  export = request;
}
