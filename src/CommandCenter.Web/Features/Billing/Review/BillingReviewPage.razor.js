// Keyboard for the billing review: j/k (invoices), arrows (rows), Home/End, Enter (evidence), Esc (close), / (search).
// The list is virtualized, so a target row may not be in the DOM yet: scroll to where it will be, then focus it.
const moveKeys = new Set(['j', 'k', 'ArrowDown', 'ArrowUp', 'Home', 'End']);

function list() {
    return document.querySelector('[data-testid=review-list]');
}

function isTyping(target) {
    return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function nextFrame() {
    // A timer as well as a frame: frames are not delivered to a hidden tab.
    return new Promise(resolve => {
        const timer = setTimeout(resolve, 50);
        requestAnimationFrame(() => { clearTimeout(timer); resolve(); });
    });
}

export async function focusRow(index, rowHeight) {
    const container = list();
    if (!container) {
        return;
    }

    let row = container.querySelector(`[data-row-index="${index}"]`);
    if (!row) {
        container.scrollTop = Math.max(0, index * rowHeight - container.clientHeight / 3);
        // The server renders the rows of the new scroll position over the circuit; wait for them (a loaded server or
        // a slow link can take seconds, so the wait is by time, not by a number of frames).
        const deadline = performance.now() + 10000;
        while (!row && performance.now() < deadline) {
            await nextFrame();
            row = container.querySelector(`[data-row-index="${index}"]`);
        }
    }

    if (row) {
        row.focus({ preventScroll: true });
        row.scrollIntoView({ block: 'nearest' });
    }
}

export function init(dotnet, rowHeight) {
    // Keys are handled one after the other (each may wait for the server to render the rows it scrolls to), so quick
    // presses all count: a press waits for the previous one, then starts from the row that one focused.
    let queue = Promise.resolve();

    const handle = async (key, fallbackIndex) => {
        const focused = document.activeElement instanceof Element ? document.activeElement.closest('[data-row-index]') : null;
        const from = focused ? Number(focused.dataset.rowIndex) : fallbackIndex;
        if (key === 'Enter') {
            await dotnet.invokeMethodAsync('Key', 'Enter', from);
            return;
        }

        const index = await dotnet.invokeMethodAsync('Key', key, from);
        if (index >= 0) {
            await focusRow(index, rowHeight);
        }
    };

    const onKey = event => {
        if (event.ctrlKey || event.metaKey || event.altKey) {
            return;
        }

        const target = event.target;
        if (event.key === 'Escape') {
            if (!document.querySelector('.mud-dialog-container')) {
                queue = queue.then(() => dotnet.invokeMethodAsync('CloseEvidenceFromKeyboard')).catch(() => { });
            }
            return;
        }

        if (isTyping(target) || document.querySelector('.mud-dialog-container')) {
            return;
        }

        if (event.key === '/') {
            const search = document.querySelector('input[data-testid=billing-search], [data-testid=billing-search] input');
            if (search) {
                event.preventDefault();
                search.focus();
                search.select();
            }
            return;
        }

        const container = list();
        const row = target instanceof Element ? target.closest('[data-row-index]') : null;
        if (!container || !row || !container.contains(row)) {
            return;
        }

        // Enter on a button or link inside a row is that control's own.
        if ((event.key === 'Enter' && target === row) || moveKeys.has(event.key)) {
            event.preventDefault();
            const index = Number(row.dataset.rowIndex);
            queue = queue.then(() => handle(event.key, index)).catch(() => { });
        }
    };

    document.addEventListener('keydown', onKey);
    return {
        dispose: () => document.removeEventListener('keydown', onKey),
    };
}
