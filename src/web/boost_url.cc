// Boost.URL is header-only with its compiled part in <boost/url/src.hpp>: it must be included in
// exactly one translation unit of the program; this is that one (the web module's query strings
// and form bodies are read with it).
#include <boost/url/src.hpp>
