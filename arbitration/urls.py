from django.urls import path

from arbitration.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
