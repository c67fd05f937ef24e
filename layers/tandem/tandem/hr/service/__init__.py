"""HR's use cases: employees and leave (``employees``), recruitment from the web form (``recruitment``)."""

from __future__ import annotations

from tandem.hr.service.employees import EmployeeDetails, HrService
from tandem.hr.service.recruitment import CvDownload, RecruitmentService, Submitted

__all__ = ["CvDownload", "EmployeeDetails", "HrService", "RecruitmentService", "Submitted"]
