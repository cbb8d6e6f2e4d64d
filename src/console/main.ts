/** The console's entry point: registers `<tg-console>` (index.html renders it). */
import './components/console-app.js';
