// The full page: Trusted Types first (before any library runs), then the app
// mounted into the document, remembering the language and the tour.
import "./trusted-types.js";
import { mountApp } from "./app.js";

const app = mountApp(document.getElementById("app"), { persist: true, tour: true });
// For the end-to-end tests and the curious: the app's handle, no data in it.
window.hrlens = app;
