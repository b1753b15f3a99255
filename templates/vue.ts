{% include "partials/binding.ts" %}
