import './lib/zodConfig.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadClientConfig } from './lib/quickExit.ts';
import { followVisualViewport } from './lib/visualViewport.ts';
import './styles.css';

loadClientConfig();
followVisualViewport();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
