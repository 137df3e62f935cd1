/* Stands in for an ONNX Runtime too old for C API version 30: it exports OrtGetApiBase like every ORT build, reports
   version 1.16.3 and answers GetApi with NULL for any version above 16, as ORT does for versions it lacks.
   Build: gcc -shared -fPIC -O2 -s -o libonnxruntime_1_16.so old_ort.c */
typedef struct {
  const void* (*GetApi)(unsigned version);
  const char* (*GetVersionString)(void);
} ApiBase;

static const void* get_api(unsigned version) { return version <= 16 ? (const void*)&get_api : 0; }
static const char* version_string(void) { return "1.16.3"; }
static const ApiBase api_base = { get_api, version_string };

const ApiBase* OrtGetApiBase(void) { return &api_base; }
