// The pot page's chart of a longer period, drawn from the hub's `/series` columns: the mean as a
// line with a shaded min/max band when the hub sent buckets, a plain line when it sent raw
// readings. Like the 24-hour chart, the host's data-points attribute contains the number of
// points drawn and data-kind the kind of series ('raw' or 'buckets'), for tests and debugging.
import uPlot from 'uplot';
import { axisSize, formatValue, HEIGHT, LIGHT_COLOR, MAX_POINTS_WITH_DOTS, MIN_LIGHT_RANGE, MOISTURE_COLOR } from '../chart.js';
import { currentLanguage, formatDateTime, formatNumber, plural, t } from '../i18n.js';
import { bandColumns, bucketSize, type BandColumns, type BucketSize, type SeriesResponse } from '../series.js';

export interface RangeChart {
  show(series: SeriesResponse): void;
  destroy(): void;
}

const MOISTURE_BAND = 'rgba(28, 100, 168, 0.18)';
const LIGHT_BAND = 'rgba(163, 90, 0, 0.16)';
const DAY_S = 24 * 3600;

/**
 * Axis labels: clock times for a day or two, the day at local midnight and the clock time at
 * other splits up to three months, months beyond. The browser's time zone applies: x values are
 * UTC seconds, only their labels are local.
 */
function timeLabels(spanS: number): (splits: number[]) => string[] {
  const language = currentLanguage();
  const clock = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
  const day = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short' });
  const month = new Intl.DateTimeFormat(language, { month: 'short', year: 'numeric' });
  if (spanS <= 2 * DAY_S) return (splits) => splits.map((seconds) => clock.format(seconds * 1000));
  if (spanS > 92 * DAY_S) return (splits) => splits.map((seconds) => month.format(seconds * 1000));
  return (splits) => splits.map((seconds) => {
    const date = new Date(seconds * 1000);
    const midnight = date.getHours() === 0 && date.getMinutes() === 0;
    return midnight ? day.format(date) : clock.format(date);
  });
}

/** Legend text of a mean with the min and max of the same point, such as "31,2 % (30,1–32,4)". */
function meanWithRange(columns: BandColumns['moisture'], unitKey: string, digits: number) {
  return (_self: uPlot, value: number | null, _series: number, index: number | null): string => {
    const text = formatValue(value, unitKey, digits);
    const min = index === null ? null : columns.min[index];
    const max = index === null ? null : columns.max[index];
    if (value === null || min == null || max == null || min === max) return text;
    return `${text} (${formatNumber(min, digits)}–${formatNumber(max, digits)})`;
  };
}

/** Legend label of the time column: "Heure" for raw readings, else the bucket size ("Jour", "6 heures", "5 min"). */
function timeLegend(size: BucketSize | null): string {
  if (size === null) return t('chart.time');
  if (size.unit === 'day') return plural('chart.bucket.day', size.count);
  if (size.unit === 'hour') return plural('chart.bucket.hour', size.count);
  return plural('chart.bucket.minute', size.count);
}

function edge(scale: string): uPlot.Series {
  // Band edges draw no line and have no legend entry (hidden by the band-edge class).
  return { scale, class: 'band-edge', stroke: 'transparent', width: 0, points: { show: false } };
}

function chartOptions(width: number, columns: BandColumns, range: { from: number; to: number }): uPlot.Options {
  const moistureUnit = columns.moistureMode === 'percent' ? 'unit.percent' : 'unit.raw';
  const lightUnit = columns.lightMode === 'lux' ? 'unit.lux' : 'unit.raw';
  const dots = { show: columns.points <= MAX_POINTS_WITH_DOTS, size: 5 };
  const bands = columns.kind === 'buckets';
  const labels = timeLabels((range.to - range.from) / 1000);

  const size = bucketSize(columns);
  const dayFormat = new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium' });
  const timeText = (seconds: number): string => (size?.unit === 'day' ? dayFormat.format(seconds * 1000) : formatDateTime(seconds * 1000));

  const series: uPlot.Series[] = [
    { label: timeLegend(size), value: (_self, value) => (value === null ? '—' : timeText(value)) },
    {
      label: t(columns.moistureMode === 'percent' ? 'chart.moisturePercent' : 'chart.moistureRaw'),
      scale: 'moisture', stroke: MOISTURE_COLOR, width: 2, points: dots,
      value: meanWithRange(columns.moisture, moistureUnit, 1),
    },
    {
      label: t(columns.lightMode === 'lux' ? 'chart.lightLux' : 'chart.lightRaw'),
      scale: 'light', stroke: LIGHT_COLOR, width: 2, points: dots,
      value: meanWithRange(columns.light, lightUnit, 0),
    },
  ];
  if (bands) series.push(edge('moisture'), edge('moisture'), edge('light'), edge('light'));

  return {
    width,
    height: HEIGHT,
    series,
    // Series 3 and 4 are the moisture min and max, 5 and 6 the light ones.
    bands: bands ? [{ series: [4, 3], fill: MOISTURE_BAND }, { series: [6, 5], fill: LIGHT_BAND }] : [],
    scales: {
      // The whole requested range, so an empty stretch at either end shows as empty.
      x: { time: true, range: () => [range.from / 1000, range.to / 1000] },
      moisture: columns.moistureMode === 'percent' ? { range: [0, 100] } : {},
      light: { range: (_self, _min, max) => [0, Math.max(max ?? 0, MIN_LIGHT_RANGE)] },
    },
    axes: [
      { values: (_self, splits) => labels(splits) },
      { scale: 'moisture', stroke: MOISTURE_COLOR, size: axisSize, values: (_self, splits) => splits.map((v) => formatNumber(v, 1)) },
      {
        scale: 'light', side: 1, stroke: LIGHT_COLOR, grid: { show: false }, size: axisSize,
        values: (_self, splits) => splits.map((v) => formatNumber(v, 1)),
      },
    ],
  };
}

function alignedData(columns: BandColumns): uPlot.AlignedData {
  const data: uPlot.AlignedData = [columns.x, columns.moisture.mean, columns.light.mean];
  if (columns.kind === 'buckets') data.push(columns.moisture.min, columns.moisture.max, columns.light.min, columns.light.max);
  return data;
}

/** Creates an empty chart in `host`; `show` draws a series and replaces the previous one. */
export function createRangeChart(host: HTMLElement): RangeChart {
  let plot: uPlot | null = null;

  function width(): number {
    return Math.max(240, Math.floor(host.clientWidth));
  }

  const resizeObserver = new ResizeObserver(() => {
    if (plot && Math.abs(plot.width - width()) > 1) plot.setSize({ width: width(), height: HEIGHT });
  });
  resizeObserver.observe(host);

  return {
    show(response) {
      const columns = bandColumns(response);
      // Units, kind and range change the axes and legend, so the chart is rebuilt for each series.
      plot?.destroy();
      plot = new uPlot(chartOptions(width(), columns, response), alignedData(columns), host);
      host.dataset['points'] = String(columns.points);
      host.dataset['columns'] = String(columns.x.length);
      host.dataset['kind'] = columns.kind;
      host.dataset['stepS'] = String(columns.stepMs / 1000);
      host.dataset['spanS'] = String(Math.round((response.to - response.from) / 1000));
    },
    destroy() {
      resizeObserver.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}
