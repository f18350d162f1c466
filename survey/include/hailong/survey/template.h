// Survey templates, all of it: kept so that callers written against the one
// header still compile. New code includes the header of the idea it uses:
//   survey_template.h    SurveyTemplate, its criteria and options, Answer,
//                        ValidateTemplate, rule names
//   template_codec.h     the template as JSON and as FlatBuffers
//   classify.h           answers checked and classified by a template
//   template_registry.h  BuiltinTemplates, kDefaultTemplateId, TemplateRegistry
#pragma once

#include "hailong/survey/classify.h"
#include "hailong/survey/survey_template.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"
