import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api/connect';
import { ThemeProvider } from './theme/ThemeProvider';
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
      <ThemeProvider>
        <App client={client} disconnected={disconnected} />
      </ThemeProvider>
    </StrictMode>,
  );
}
render();
