import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api/connect';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
let disconnected = false;
const client = connect(() => {
  disconnected = true;
  render();
});

function render(): void {
  root.render(
    <StrictMode>
      <App client={client} disconnected={disconnected} />
    </StrictMode>,
  );
}
render();
