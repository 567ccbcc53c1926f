// Debian's libxml2-dev headers (pkg-config libxml-2.0 adds -I/usr/include/libxml2): the SAX2 push parser XML
// bodies are decoded with.
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
