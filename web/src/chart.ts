// The pot page's 24-hour chart: moisture on the left axis, light on the right, extended live.
// The host element's data-points attribute contains the number of readings drawn, data-columns
// the number of x values including gap markers and data-span-s the seconds the x axis spans,
// for tests and for anyone debugging the page.
import uPlot from 'uplot';
import { h } from './dom.js';
import { formatClock, formatDateTime, formatNumber, t } from './i18n.js';
import {
  buildColumns, DAY_MS, lightMode, mergeReadings, moistureMode,
  type LightMode, type MoistureMode,
} from './series.js';
import type { StoredReading } from './types.js';

export interface PotChart {
  add(readings: readonly StoredReading[]): void;
  destroy(): void;
}

export const HEIGHT = 280;
export const MOISTURE_COLOR = '#1c64a8';
export const LIGHT_COLOR = '#a35a00';
/** Above this many points the line alone is readable; below, isolated readings need dots. */
export const MAX_POINTS_WITH_DOTS = 200;
/** Smallest top of the light axis, in lux or raw counts. */
export const MIN_LIGHT_RANGE = 10;

/** Approximate width of one axis label character in uPlot's default 12 px font, in CSS pixels. */
const AXIS_CHAR_PX = 7.5;

/** Width of a vertical axis from its longest label, since uPlot's default 50 px cuts "12 000". */
export function axisSize(_self: uPlot, values: string[] | null): number {
  const longest = Math.max(0, ...(values ?? []).map((label) => label.length));
  return Math.ceil(longest * AXIS_CHAR_PX) + 18;
}

export function formatValue(value: number | null, unitKey: string, digits: number): string {
  return value === null ? '—' : t(unitKey, { value: formatNumber(value, digits) });
}

function chartOptions(width: number, modes: { moisture: MoistureMode; light: LightMode }, host: HTMLElement): uPlot.Options {
  const moistureUnit = modes.moisture === 'percent' ? 'unit.percent' : 'unit.raw';
  const lightUnit = modes.light === 'lux' ? 'unit.lux' : 'unit.raw';
  const showDots = (self: uPlot): boolean => (self.data[0]?.length ?? 0) <= MAX_POINTS_WITH_DOTS;

  return {
    width,
    height: HEIGHT,
    hooks: {
      // uPlot sets scales after setData returns, so the span is recorded when it does.
      setScale: [(self, key) => {
        const x = self.scales[key];
        if (key === 'x' && x?.min != null && x.max != null) host.dataset['spanS'] = String(Math.round(x.max - x.min));
      }],
    },
    series: [
      { label: t('chart.time'), value: (_self, value) => (value === null ? '—' : formatDateTime(value * 1000)) },
      {
        label: t(modes.moisture === 'percent' ? 'chart.moisturePercent' : 'chart.moistureRaw'),
        scale: 'moisture',
        stroke: MOISTURE_COLOR,
        width: 2,
        points: { show: showDots, size: 5 },
        value: (_self, value) => formatValue(value, moistureUnit, 1),
      },
      {
        label: t(modes.light === 'lux' ? 'chart.lightLux' : 'chart.lightRaw'),
        scale: 'light',
        stroke: LIGHT_COLOR,
        width: 2,
        points: { show: showDots, size: 5 },
        value: (_self, value) => formatValue(value, lightUnit, 0),
      },
    ],
    scales: {
      // The window ends now, so a pot that went quiet shows its silence on the right. A reading
      // from a pot whose clock runs ahead stretches the window to include it. The last x value
      // is read from the data, because with a single point uPlot passes that point + 1 day as max.
      x: {
        time: true,
        range: (self) => {
          const xs = self.data[0] ?? [];
          const last = xs.length > 0 ? Number(xs[xs.length - 1]) : 0;
          return [(Date.now() - DAY_MS) / 1000, Math.max(Date.now() / 1000, last)];
        },
      },
      moisture: modes.moisture === 'percent' ? { range: [0, 100] } : {},
      // Light starts at 0 (darkness) and spans at least 0..10, so a dark night still gets axis steps.
      light: { range: (_self, _min, max) => [0, Math.max(max ?? 0, MIN_LIGHT_RANGE)] },
    },
    axes: [
      { values: (_self, splits) => splits.map((seconds) => formatClock(seconds * 1000)) },
      {
        scale: 'moisture',
        stroke: MOISTURE_COLOR,
        size: axisSize,
        values: (_self, splits) => splits.map((v) => formatNumber(v, 1)),
      },
      {
        scale: 'light',
        side: 1,
        stroke: LIGHT_COLOR,
        grid: { show: false },
        size: axisSize,
        values: (_self, splits) => splits.map((v) => formatNumber(v, 1)),
      },
    ],
  };
}

/** How often the 24-hour window slides when no reading arrives, in milliseconds. */
const SLIDE_MS = 60_000;

/**
 * Creates the chart in `host`. `intervalS` returns the pot's current reading interval, which
 * the hub may revise, and decides how far apart readings must be to leave a gap.
 */
export function createPotChart(host: HTMLElement, intervalS: () => number): PotChart {
  let readings: StoredReading[] = [];
  let plot: uPlot | null = null;
  let modes: { moisture: MoistureMode; light: LightMode } | null = null;
  const empty = h('p', { class: 'chart-empty', text: t('chart.empty') });
  empty.hidden = true;
  host.after(empty);

  function width(): number {
    return Math.max(240, Math.floor(host.clientWidth));
  }

  function draw(): void {
    const nextModes = { moisture: moistureMode(readings), light: lightMode(readings) };
    const columns = buildColumns(readings, intervalS(), nextModes, Date.now());
    const data: uPlot.AlignedData = [columns.x, columns.moisture, columns.light];

    // A change of unit (the pot was just calibrated) needs new axes and labels.
    if (!plot || !modes || modes.moisture !== nextModes.moisture || modes.light !== nextModes.light) {
      plot?.destroy();
      plot = new uPlot(chartOptions(width(), nextModes, host), data, host);
      modes = nextModes;
    } else {
      plot.setData(data);
    }
    host.dataset['points'] = String(columns.points);
    host.dataset['columns'] = String(columns.x.length);
  }

  /** Shown only after readings were added, so it does not flash while the history loads. */
  function showEmpty(): void {
    empty.hidden = readings.length > 0;
  }

  const resizeObserver = new ResizeObserver(() => {
    if (plot && Math.abs(plot.width - width()) > 1) plot.setSize({ width: width(), height: HEIGHT });
  });
  resizeObserver.observe(host);
  const slideTimer = window.setInterval(() => {
    readings = mergeReadings(readings, [], Date.now() - DAY_MS);
    draw();
  }, SLIDE_MS);
  draw();

  return {
    add(added) {
      readings = mergeReadings(readings, added, Date.now() - DAY_MS);
      draw();
      showEmpty();
    },
    destroy() {
      window.clearInterval(slideTimer);
      resizeObserver.disconnect();
      empty.remove();
      plot?.destroy();
      plot = null;
    },
  };
}
