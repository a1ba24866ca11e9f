import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error';
import { parseLabelSelector } from './label-selector';

describe('parseLabelSelector', () => {
  it.each<[string, Record<string, string>]>([
    ['team=ml', { team: 'ml' }],
    ['team==ml', { team: 'ml' }],
    ['team=ml,tier=spot', { team: 'ml', tier: 'spot' }],
    [' team = ml , tier=spot ', { team: 'ml', tier: 'spot' }],
    ['app.kubernetes.io/name=llama', { 'app.kubernetes.io/name': 'llama' }],
    ['empty=', { empty: '' }],
    ['a=1,a=1', { a: '1' }],
    ['', {}],
    ['  ', {}],
  ])('%j', (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  it.each([
    ['team!=ml', 'label selector "team!=ml": only key=value terms are supported'],
    ['team in (a,b)', 'label selector "team in (a": only key=value terms are supported'],
    ['!team', 'label selector "!team": only key=value terms are supported'],
    ['team', 'label selector "team": expected key=value'],
    ['a=b=c', 'label selector "a=b=c": expected key=value'],
    ['a=1,,b=2', 'label selector "a=1,,b=2": empty term'],
    ['-bad=x', 'label selector "-bad=x": invalid label key "-bad"'],
    ['ok=bad value', 'label selector "ok=bad value": invalid label value "bad value"'],
    ['a=1,a=2', 'label selector "a=1,a=2": "a" given twice with different values'],
  ])('refuses %j', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(new UsageError(message));
    expect(() => parseLabelSelector(text)).toThrow(UsageError);
  });
});
