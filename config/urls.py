from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from arbitration.oidc import LoginView, SignOnCallbackView, SignOnStartView
from config.api import api_not_found, schema_readers, swagger_csp
from supervision.views import reports

api_v1 = [
    path("", include("arbitration.api.urls")),
    path("supervision/", include("supervision.api.urls")),
    path("legal/", include("legal.api.urls")),
]

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (docs/sign-in.md); both answer 404 unless MINGZE_OIDC_ENABLED.
    path("oidc/authenticate/", SignOnStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", SignOnCallbackView.as_view(), name="oidc_authentication_callback"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=schema_readers()), name="api-schema"),
    path(
        "api/docs/",
        swagger_csp(SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=schema_readers())),
        name="api-docs",
    ),
    re_path(r"^api/", api_not_found),  # after every endpoint: the rest of /api/ is a JSON 404 (docs/hardening.md)
    path("supervision/", include("supervision.urls")),
    path("rankings/", reports.public_rankings, name="public-rankings"),  # public: no login (docs/cockpit.md)
    path("legal/", include("legal.urls")),
    path("", include("arbitration.urls")),
]
