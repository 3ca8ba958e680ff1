/** Browser entry point. */

import { render } from "preact";
import { App } from "./app.tsx";
import { registerServiceWorker } from "./lib/service_worker.ts";

render(<App />, document.getElementById("app")!);
void registerServiceWorker();
