// Imported first by tests that look at colours: tap runs tests with FORCE_COLOR=0, and chalk (inside ink)
// reads it once, when it is first imported.
process.env.FORCE_COLOR = '1';
