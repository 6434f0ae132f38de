/**
 * The demo-leadexec form as a person fills it on a partner page: both steps, then "See my solar
 * quotes", which pings LeadExec for offers.
 */
import type { Page } from 'playwright-core';

export async function askForSolarQuotes(page: Page, email: string): Promise<void> {
  await page.getByLabel('ZIP code').fill('94107');
  await page.getByLabel('Do you own your home?').selectOption('Yes');
  await page.getByLabel('Average monthly electric bill').selectOption('101-200');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Phone').fill(`(415) 555-${String(Date.now() % 10_000).padStart(4, '0')}`);
  await page.getByLabel('Street address').fill('1 Market St');
  await page.getByLabel('City').fill('San Francisco');
  await page.getByLabel('State').selectOption('CA');
  await page.getByRole('button', { name: 'See my solar quotes' }).click();
}
