from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_013(MlmarketCheck):
    rule_id = "CKV_MLM_013"


check = CKV_MLM_013()
